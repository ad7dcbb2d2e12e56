// Preloaded into a benchmarked child (`node --import`): prints its peak resident memory and the CPU
// time it used at exit (CPU time is steadier than wall time on a shared machine).
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(
    `\nbench-peak-rss-kib=${u.maxRSS}\nbench-cpu-ms=${((u.userCPUTime + u.systemCPUTime) / 1000).toFixed(1)}\n`,
  );
});
