/**
 * Reloads a screen's list when the live channel says something it shows changed (a counter of live-state.svelte.ts
 * moved), at most once per `settleMs` so a burst of pushes costs one request and a steady stream never starves it.
 * A slow poll covers a socket that is away. Call it while a component initialises.
 */
export function reloadOnPush(tick: () => number, load: () => unknown, { settleMs = 300, fallbackMs = 60_000 } = {}): void {
  let pending: ReturnType<typeof setTimeout> | undefined;
  $effect(() => {
    void tick();
    pending ??= setTimeout(() => {
      pending = undefined;
      void load();
    }, settleMs);
  });
  $effect(() => {
    const timer = setInterval(() => void load(), fallbackMs);
    return () => {
      clearInterval(timer);
      clearTimeout(pending);
    };
  });
}
