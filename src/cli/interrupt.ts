// Ctrl-C handling for long commands: the first SIGINT/SIGTERM asks for a graceful stop, the
// second exits at once (the runner's children are ended by their own process handling).
export function onInterrupt(graceful: () => void): () => void {
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count += 1;
    if (count === 1) {
      graceful();
      return;
    }
    process.stderr.write(`servebench: second ${signal}: exiting now\n`);
    process.exit(130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
