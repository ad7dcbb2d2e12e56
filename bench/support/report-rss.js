// Preloaded into a benchmarked child (`node --import`): prints its peak resident memory at exit.
process.on('exit', () => process.stderr.write(`\nbench-peak-rss-kib=${process.resourceUsage().maxRSS}\n`));
