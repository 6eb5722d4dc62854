//! The page's one queue, in the Elm shape: every part sends its messages through a
//! [`Dispatch`], and the single owner of the app takes them one at a time ([`Queue::next`]).
//!
//! No callback borrows the app: a message sent while another one is handled (an event fired
//! during a render) simply waits its turn. Single-threaded, as the page is.
//!
//! ```
//! use webtoken_engine::queue::Queue;
//! enum App { Token(u8), Tick }
//! let queue = Queue::new();
//! let token = queue.dispatch().to(App::Token);
//! token.send(7);
//! queue.dispatch().send(App::Tick);
//! assert!(matches!(queue.try_next(), Some(App::Token(7))));
//! assert!(matches!(queue.try_next(), Some(App::Tick)));
//! assert!(queue.try_next().is_none());
//! ```

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::task::{Poll, Waker};

/// The messages not yet handled, and the owner's waker while it waits. Only
/// [`Dispatch::send`] and [`Queue::next`] touch it, each for one push or pop, never across a
/// call.
pub struct Queue<A> {
    messages: RefCell<VecDeque<A>>,
    waiting: Cell<Option<Waker>>,
}

impl<A> Queue<A> {
    /// An empty queue, shared by its owner and every [`Dispatch`].
    pub fn new() -> Rc<Self> {
        Rc::new(Self {
            messages: RefCell::new(VecDeque::new()),
            waiting: Cell::new(None),
        })
    }

    /// A sender of the app's own messages.
    pub fn dispatch(self: &Rc<Self>) -> Dispatch<A, A> {
        Dispatch {
            queue: Rc::clone(self),
            wrap: std::convert::identity,
        }
    }

    /// The oldest message, if any is queued.
    pub fn try_next(&self) -> Option<A> {
        self.messages.borrow_mut().pop_front()
    }

    /// The oldest message, waiting for one when none is queued.
    pub async fn next(&self) -> A {
        std::future::poll_fn(|cx| match self.try_next() {
            Some(message) => Poll::Ready(message),
            None => {
                self.waiting.set(Some(cx.waker().clone()));
                Poll::Pending
            }
        })
        .await
    }
}

/// A sender of one part's messages (`M`) into the app's queue (of `A`); listeners, timers and
/// tasks hold one.
pub struct Dispatch<M, A> {
    queue: Rc<Queue<A>>,
    wrap: fn(M) -> A,
}

impl<M, A> Clone for Dispatch<M, A> {
    fn clone(&self) -> Self {
        Self {
            queue: Rc::clone(&self.queue),
            wrap: self.wrap,
        }
    }
}

impl<M, A> Dispatch<M, A> {
    /// Queues `message` for the app, and wakes its owner if it waits.
    pub fn send(&self, message: M) {
        self.queue
            .messages
            .borrow_mut()
            .push_back((self.wrap)(message));
        if let Some(waker) = self.queue.waiting.take() {
            waker.wake();
        }
    }

    /// A sender of another part's messages into the same queue.
    pub fn to<N>(&self, wrap: fn(N) -> A) -> Dispatch<N, A> {
        Dispatch {
            queue: Rc::clone(&self.queue),
            wrap,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Context, Wake};

    use super::*;

    #[derive(Debug, PartialEq)]
    enum App {
        Token(&'static str),
        Bank(u32),
        Tick,
    }

    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn messages_of_every_part_are_handled_in_the_order_sent() {
        let queue = Queue::new();
        let app = queue.dispatch();
        let (token, bank) = (app.to(App::Token), app.to(App::Bank));
        token.send("new");
        bank.send(1);
        app.send(App::Tick);
        token.clone().send("copy");
        let got: Vec<App> = std::iter::from_fn(|| queue.try_next()).collect();
        assert_eq!(
            got,
            [
                App::Token("new"),
                App::Bank(1),
                App::Tick,
                App::Token("copy")
            ]
        );
    }

    #[test]
    fn the_owner_waits_for_a_message_and_is_woken_once_per_wait() {
        let queue = Queue::new();
        let bank = queue.dispatch().to(App::Bank);
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let waker = Waker::from(Arc::clone(&count));
        let mut cx = Context::from_waker(&waker);
        let mut next = Box::pin(queue.next());
        assert!(next.as_mut().poll(&mut cx).is_pending());
        bank.send(1);
        bank.send(2);
        assert_eq!(
            count.0.load(Ordering::Relaxed),
            1,
            "woken by the first send"
        );
        assert_eq!(next.as_mut().poll(&mut cx), Poll::Ready(App::Bank(1)));
        let mut next = Box::pin(queue.next());
        assert_eq!(
            next.as_mut().poll(&mut cx),
            Poll::Ready(App::Bank(2)),
            "no wait"
        );
    }

    #[test]
    fn a_message_sent_while_one_is_handled_waits_its_turn() {
        let queue = Queue::new();
        let app = queue.dispatch();
        app.send(App::Tick);
        let mut handled = Vec::new();
        while let Some(message) = queue.try_next() {
            // Handling the tick renders, and the render fires an event.
            if message == App::Tick && handled.is_empty() {
                app.send(App::Token("fired during the render"));
                assert!(queue.messages.borrow().len() == 1, "queued, not handled");
            }
            handled.push(message);
        }
        assert_eq!(handled, [App::Tick, App::Token("fired during the render")]);
    }
}
