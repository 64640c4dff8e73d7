package io.strata.ingest.scrape;

import io.strata.ingest.scrape.discovery.DnsResolver;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;

/**
 * Engine settings that are not part of prometheus.yml.
 *
 * @param tenant tenant written with every scraped sample
 * @param shardCount number of ingest replicas splitting the targets (1 = no sharding)
 * @param shardIndex this replica's shard in [0, shardCount): it scrapes the targets whose
 *     {@code hashmod(__address__, shardCount)} equals it (the same MD5 hashmod as relabeling)
 * @param workerThreads threads that parse scrape bodies and call the sink (HTTP waits use none)
 * @param clock source of sample timestamps and of the scrape schedule's phase
 * @param dnsServers DNS servers for {@code dns_sd_configs}; empty = the system's resolver configuration
 *     ({@code /etc/resolv.conf} re-read at every lookup, as Prometheus; or the JVM system properties
 *     {@code dns.server=host:port,...} and {@code dns.search})
 */
public record ScrapeEngineSettings(String tenant, int shardCount, int shardIndex, int workerThreads, Clock clock,
    List<InetSocketAddress> dnsServers) {
  public static final String DEFAULT_TENANT = "default";

  public ScrapeEngineSettings {
    if (tenant == null || tenant.isEmpty()) {
      throw new IllegalArgumentException("tenant must not be empty");
    }
    if (shardCount < 1) {
      throw new IllegalArgumentException("shard_count must be >= 1, got " + shardCount);
    }
    if (shardIndex < 0 || shardIndex >= shardCount) {
      throw new IllegalArgumentException("shard_index must be in [0, " + shardCount + "), got " + shardIndex);
    }
    if (workerThreads < 1) {
      throw new IllegalArgumentException("scrape worker threads must be >= 1, got " + workerThreads);
    }
    clock = clock == null ? Clock.systemUTC() : clock;
    dnsServers = dnsServers == null ? List.of() : List.copyOf(dnsServers);
  }

  public static ScrapeEngineSettings defaults() {
    // Parsing is CPU-bound and short; two threads per core keep a slow sink from stalling every target.
    return new ScrapeEngineSettings(DEFAULT_TENANT, 1, 0, Math.max(2, 2 * Runtime.getRuntime().availableProcessors()), null, null);
  }

  public ScrapeEngineSettings withShard(int count, int index) {
    return new ScrapeEngineSettings(tenant, count, index, workerThreads, clock, dnsServers);
  }

  public ScrapeEngineSettings withTenant(String t) {
    return new ScrapeEngineSettings(t, shardCount, shardIndex, workerThreads, clock, dnsServers);
  }

  /** {@code host[:port]} entries (port 53 by default). */
  public ScrapeEngineSettings withDnsServers(List<String> servers) {
    return new ScrapeEngineSettings(tenant, shardCount, shardIndex, workerThreads, clock,
        servers.stream().map(DnsResolver::parseServer).toList());
  }
}
