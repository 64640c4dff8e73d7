package io.strata.ingest.scrape.discovery;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;

/**
 * DNS lookups as Prometheus's dns_sd makes them (dnsjava underneath): the name is tried with the search
 * domains in the resolver configuration's order (ndots), each against every server in turn, with EDNS0
 * (4096 bytes) and TCP on truncation.
 * <ul>
 *   <li>an answer NOERROR for one of the names is the result (possibly without records);
 *   <li>NXDOMAIN for every name from a server means "no records": an empty answer;
 *   <li>otherwise (timeouts, SERVFAIL, REFUSED from every server for some name) the lookup fails, and the
 *       caller keeps what it knew.
 * </ul>
 * Servers: the ones given, else the system's resolver configuration re-read at every lookup
 * ({@code /etc/resolv.conf}, or dnsjava's {@code dns.server}/{@code dns.search} system properties).
 */
public final class DnsResolver {
  /** miekg/dns's client default, which Prometheus uses. */
  static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final int EDNS_PAYLOAD = 4096;

  private final List<InetSocketAddress> servers;

  /** @param servers fixed servers ({@code host:port}); empty = the system's resolver configuration */
  public DnsResolver(List<InetSocketAddress> servers) {
    this.servers = List.copyOf(servers);
  }

  /** Parses {@code host[:port]} (IPv6 as {@code [addr]:port}); port 53 by default. */
  public static InetSocketAddress parseServer(String s) {
    String host = s.trim();
    int port = 53;
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      if (end < 0) {
        throw new IllegalArgumentException("invalid DNS server \"" + s + "\"");
      }
      if (end + 1 < host.length()) {
        port = port(s, host.substring(end + 1));
      }
      host = host.substring(1, end);
    } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
      port = port(s, host.substring(host.indexOf(':')));
      host = host.substring(0, host.indexOf(':'));
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("invalid DNS server \"" + s + "\"");
    }
    return new InetSocketAddress(host, port);
  }

  private static int port(String s, String colonPort) {
    try {
      int p = Integer.parseInt(colonPort.substring(1));
      if (p > 0 && p < 65536) {
        return p;
      }
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      // reported below
    }
    throw new IllegalArgumentException("invalid port in DNS server \"" + s + "\"");
  }

  /** The answer records for {@code name}; empty when the name does not exist. */
  public List<Record> lookup(String name, int type) throws IOException {
    List<InetSocketAddress> use = servers;
    List<Name> search = List.of();
    int ndots = 1;
    if (use.isEmpty()) {
      ResolverConfig rc = new ResolverConfig();
      use = rc.servers();
      search = rc.searchPath();
      ndots = rc.ndots();
    }
    if (use.isEmpty()) {
      throw new IOException("could not load resolver configuration: no DNS servers");
    }
    boolean allValid = true;
    for (Name candidate : nameList(name, search, ndots)) {
      Message m = fromAnyServer(candidate, type, use);
      if (m == null) {
        allValid = false;
      } else if (m.getRcode() == Rcode.NOERROR) {
        return m.getSection(org.xbill.DNS.Section.ANSWER);
      }
    }
    if (allValid) {
      return List.of();
    }
    throw new IOException("could not resolve \"" + name + "\": all servers responded with errors to at least one search domain");
  }

  /** The names to try, as miekg/dns's {@code ClientConfig.NameList}. */
  static List<Name> nameList(String name, List<Name> search, int ndots) throws TextParseException {
    List<Name> out = new ArrayList<>();
    if (name.endsWith(".")) {
      out.add(Name.fromString(name));
      return out;
    }
    int labels = name.isEmpty() ? 0 : name.split("\\.", -1).length;
    boolean enoughDots = labels > ndots;
    Name fqdn = Name.fromString(name + ".");
    if (enoughDots) {
      out.add(fqdn);
    }
    for (Name s : search) {
      String suffix = s.toString();
      out.add(Name.fromString(name + "." + (suffix.endsWith(".") ? suffix : suffix + ".")));
    }
    if (!enoughDots) {
      out.add(fqdn);
    }
    return out;
  }

  /** NOERROR or NXDOMAIN from the first server giving either, else null. */
  private static Message fromAnyServer(Name name, int type, List<InetSocketAddress> servers) {
    Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    for (InetSocketAddress server : servers) {
      try {
        SimpleResolver r = new SimpleResolver(server);
        r.setTimeout(TIMEOUT);
        r.setEDNS(0, EDNS_PAYLOAD, 0, List.of());
        Message m = r.send(query);
        if (m.getRcode() == Rcode.NOERROR || m.getRcode() == Rcode.NXDOMAIN) {
          return m;
        }
      } catch (IOException e) {
        // the next server may answer
      }
    }
    return null;
  }
}
