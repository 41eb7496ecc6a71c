// The notebook send budget (notebook_send_budget.ts): progress updates stop past PROGRESS_SENDS
// sends in one synchronous stretch, and may go again once the event loop has run.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { PROGRESS_SENDS, countSend, progressUpdateAllowed } from "../src/notebook_send_budget";

test("progress updates stop past the budget within one synchronous stretch, and resume after the event loop runs", async () => {
  assert.ok(PROGRESS_SENDS < 512, "below zeromq's 512 synchronous sends");
  await new Promise((r) => setImmediate(r));
  for (let i = 0; i < PROGRESS_SENDS - 1; i++) countSend();
  assert.equal(progressUpdateAllowed(), true);
  countSend();
  assert.equal(progressUpdateAllowed(), false, "the budget is spent");
  await new Promise((r) => setImmediate(r));
  assert.equal(progressUpdateAllowed(), true, "a new stretch");
});
