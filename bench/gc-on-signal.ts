// Loaded into the bot process by bench/bot-latency.ts only (`--expose-gc --import`): SIGUSR2
// runs a full garbage collection, so the memory read next is what the bot still holds, not
// garbage V8 has not collected yet. The bot's own code is unchanged.

process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
});
