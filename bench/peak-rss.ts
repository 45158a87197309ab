/** Preloaded (`node --import ./bench/peak-rss.ts`) into a tool a benchmark runs: prints the process's peak RSS to stderr as it exits. */
process.once('exit', () => {
  // maxRSS is in kilobytes: the high-water mark of the whole process's life
  process.stderr.write(`peak-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
