-- wrk script: print the figures the benchmark records, in a parseable line.
done = function(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d errors=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d\n",
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
