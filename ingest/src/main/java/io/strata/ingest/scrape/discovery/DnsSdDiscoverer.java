package io.strata.ingest.scrape.discovery;

import io.strata.ingest.scrape.config.DnsSdConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * {@code dns_sd_configs} as Prometheus 2.42: one group per name, one target per answer record.
 * <ul>
 *   <li>SRV: {@code __address__} = target (final dot removed) : port of the record;
 *       {@code __meta_dns_srv_record_target} (with the final dot), {@code __meta_dns_srv_record_port};
 *   <li>MX / NS: exchange / name server (final dot removed) : configured port;
 *       {@code __meta_dns_mx_record_target} / {@code __meta_dns_ns_record_target} (with the final dot);
 *   <li>A / AAAA: address : configured port ({@code [v6]:port});
 *   <li>every target: {@code __meta_dns_name} = the configured name. CNAMEs in an answer are skipped.
 * </ul>
 * A name whose lookup fails keeps its previous targets (Prometheus keeps the group of that source); a name
 * that does not exist has none.
 */
public final class DnsSdDiscoverer extends RefreshDiscoverer {
  private static final Logger LOG = LoggerFactory.getLogger(DnsSdDiscoverer.class);

  public static final String NAME = "__meta_dns_name";
  public static final String SRV_TARGET = "__meta_dns_srv_record_target";
  public static final String SRV_PORT = "__meta_dns_srv_record_port";
  public static final String MX_TARGET = "__meta_dns_mx_record_target";
  public static final String NS_TARGET = "__meta_dns_ns_record_target";

  private final DnsSdConfig config;
  private final DnsResolver resolver;
  private final int qtype;
  private final Map<String, TargetGroup> lastGood = new HashMap<>();

  public DnsSdDiscoverer(DnsSdConfig config, DnsResolver resolver, ScheduledExecutorService scheduler, Executor executor,
      DiscoveryErrors onError) {
    super("dns", config.refreshInterval(), scheduler, executor, onError);
    this.config = config;
    this.resolver = resolver;
    this.qtype = Type.value(config.recordType());
  }

  @Override
  protected List<TargetGroup> refresh() {
    List<TargetGroup> out = new ArrayList<>();
    for (String name : config.names()) {
      if (closed()) {
        break;
      }
      try {
        lastGood.put(name, group(name, resolver.lookup(name, qtype), config.port()));
      } catch (IOException e) {
        partialFailure("dns_sd: error refreshing DNS targets: " + e.getMessage());
      }
      TargetGroup g = lastGood.get(name);
      if (g != null) {
        out.add(g);
      }
    }
    return out;
  }

  /** The group of one name from its answer records. */
  static TargetGroup group(String name, List<Record> answer, int port) {
    List<Map<String, String>> targets = new ArrayList<>();
    for (Record r : answer) {
      Map<String, String> t = new LinkedHashMap<>();
      if (r instanceof SRVRecord srv) {
        String target = srv.getTarget().toString();
        t.put("__address__", MetaLabels.joinHostPort(trimDot(target), srv.getPort()));
        t.put(SRV_TARGET, target);
        t.put(SRV_PORT, Integer.toString(srv.getPort()));
      } else if (r instanceof MXRecord mx) {
        String target = mx.getTarget().toString();
        t.put("__address__", MetaLabels.joinHostPort(trimDot(target), port));
        t.put(MX_TARGET, target);
      } else if (r instanceof NSRecord ns) {
        String target = ns.getTarget().toString();
        t.put("__address__", MetaLabels.joinHostPort(trimDot(target), port));
        t.put(NS_TARGET, target);
      } else if (r instanceof ARecord a) {
        t.put("__address__", MetaLabels.joinHostPort(ipString(a.getAddress()), port));
      } else if (r instanceof AAAARecord a) {
        t.put("__address__", MetaLabels.joinHostPort(ipString(a.getAddress()), port));
      } else if (r instanceof CNAMERecord) {
        continue; // CNAMEs come with A/AAAA answers
      } else {
        LOG.warn("dns_sd: invalid record {}", r);
        continue;
      }
      t.put(NAME, name);
      targets.add(t);
    }
    return new TargetGroup("dns:" + name, targets, Map.of());
  }

  private static String trimDot(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '.') {
      end--;
    }
    return s.substring(0, end);
  }

  /**
   * Go's {@code net.IP.String()}: dotted IPv4 (also for IPv4-mapped IPv6), IPv6 in RFC 5952 form (lower
   * case, the longest run of two or more zero groups, the first on a tie, as {@code ::}).
   */
  static String ipString(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length == 4) {
      return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }
    boolean mapped = true;
    for (int i = 0; i < 10; i++) {
      mapped &= b[i] == 0;
    }
    if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (bestLen < 2) {
      bestStart = -1;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
