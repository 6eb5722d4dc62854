//! `webtoken-serve`: serves the page on `http://127.0.0.1:PORT/` (loopback only) until stopped.
//!
//! Usage: `webtoken-serve [--port 8080] [--root DIR]`.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use std::process::ExitCode;
    let mut port: u16 = 8080;
    let mut root = std::path::PathBuf::from(".");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(p)) => match p.parse() {
                Ok(p) => port = p,
                Err(_) => {
                    eprintln!("webtoken-serve: --port takes a number from 0 to 65535, not {p:?}");
                    return ExitCode::from(2);
                }
            },
            ("--root", Some(r)) => root = r.into(),
            _ => {
                eprintln!("usage: webtoken-serve [--port 8080] [--root DIR]");
                return ExitCode::from(2);
            }
        }
    }
    if !root.join("pkg").join("webtoken_bg.wasm").is_file() {
        eprintln!(
            "webtoken-serve: {} has no pkg/webtoken_bg.wasm; build it first (make serve does)",
            root.display()
        );
        return ExitCode::from(1);
    }
    let listener = match webtoken_server::bind_loopback(port) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("webtoken-serve: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::from(1);
        }
    };
    match listener.local_addr() {
        Ok(addr) => println!("Serving webtoken on http://{addr}/ (Ctrl-C to stop)"),
        Err(e) => eprintln!("webtoken-serve: {e}"),
    }
    match webtoken_server::Server::new(root).run(listener) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("webtoken-serve: {e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
