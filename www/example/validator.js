// The webtoken package's example: a token and a validator, through the public API only.
import init, { totp, Validator } from "../../pkg/index.js";

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const now = () => Math.floor(Date.now() / 1000);

try {
  await init();
} catch (error) {
  $("example-status").textContent = `The package could not load: ${error.message}`;
  throw error;
}
let validator = new Validator({ maxFailures: 5 });
const { tokenId, secret, digits, period, algorithm } = validator.issue(now());
$("example-token-id").textContent = tokenId;

// The token's display: the current code, drawn again every second.
function draw() {
  const t = now();
  $("example-code").textContent = totp(secret, t, digits, period, algorithm);
  $("example-seconds").textContent = `(${period - (t % period)} s left)`;
}
draw();
setInterval(draw, 1000);

// The validator: a wrong or used code is an answer, not an exception.
$("example-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const answer = validator.validate(tokenId, $("example-input").value, now());
  const result = $("example-result");
  result.className = answer.outcome;
  result.textContent = answer.outcome === "accepted"
    ? `Accepted (time step ${answer.step}). The same code will not be accepted again.`
    : `Rejected: ${answer.reason}. ${answer.message}`;
});

// The state (secrets included: keep it encrypted) survives a round trip.
$("example-reload").addEventListener("click", () => {
  validator = Validator.fromState(validator.exportState());
  $("example-result").className = "";
  $("example-result").textContent = "State saved and read back: used codes stay used.";
});
$("example-status").textContent = "Ready.";
