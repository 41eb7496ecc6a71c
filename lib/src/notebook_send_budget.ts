// How many messages a cell may still send to the notebook before its next pause. Under tslab,
// zeromq sends at most 512 messages one after the other while the event loop does not run
// (a long synchronous cell, such as a grid search); the next send throws "Socket is busy
// writing" and the kernel dies. Progress updates (progress lines, live charts) are therefore
// skipped past PROGRESS_SENDS sends in one stretch, leaving room for the cell's final lines and
// results; the count starts again once the event loop runs.

/** Sends in one synchronous stretch after which progress updates are skipped (zeromq allows 512). */
export const PROGRESS_SENDS = 400;

let sent = 0;
let resetPending = false;

/** Counts one message sent to the notebook. */
export function countSend(): void {
  sent++;
  if (!resetPending) {
    resetPending = true;
    // Runs as soon as the event loop does, which is also when zeromq's own count starts again.
    setImmediate(() => {
      sent = 0;
      resetPending = false;
    });
  }
}

/** Whether a progress update may be sent now. */
export function progressUpdateAllowed(): boolean {
  return sent < PROGRESS_SENDS;
}
