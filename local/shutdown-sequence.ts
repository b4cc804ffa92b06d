/** Closes what was started, last started first; also used to undo a start-up that failed halfway. */
export class ShutdownSequence {
  private readonly steps: Array<() => void | Promise<void>> = [];

  add(step: () => void | Promise<void>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      try {
        await step?.();
      } catch (error) {
        console.error(
          JSON.stringify({ level: 'error', message: 'shutdown step failed', error: String(error) }),
        );
      }
    }
  }
}
