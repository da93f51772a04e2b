// Tells when the connection has dispatched every message it has received. vscode-jsonrpc 8
// (under vscode-languageserver 9) queues the messages it reads and dispatches one per
// setImmediate turn, so messages that arrived together are handled over several event loop turns,
// and a timer can fire between two of them. The monitor counts dispatched messages through the
// connection's MessageStrategy hook, which receives every message just before its handler runs.
import type { Message, MessageStrategy } from 'vscode-languageserver';

export class MessageQueueMonitor implements MessageStrategy {
  private dispatched = 0;

  handleMessage(message: Message, next: (message: Message) => void): void {
    this.dispatched += 1;
    next(message);
  }

  /**
   * Resolves once two event loop turns in a row pass without a dispatched message. While its queue
   * is not empty, vscode-jsonrpc dispatches one message in every turn's check phase, so a quiet
   * window of two turns means the queue is empty. Two turns are needed because this wait's own
   * setImmediate can run just before the connection's in the same check phase. The first
   * setImmediate is queued before the poll phase reads input that waited in the pipe while the
   * event loop was busy, so such input is dispatched before this resolves.
   */
  async drained(): Promise<void> {
    for (;;) {
      const before = this.dispatched;
      await nextTurn();
      await nextTurn();
      if (this.dispatched === before) return;
    }
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
