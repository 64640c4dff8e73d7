package io.strata.ingest.scrape.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;

/** Answer records to targets and labels as Prometheus's dns_sd; name lists; address formatting as Go's. */
class DnsSdDiscovererTest {
  private static Name n(String s) throws Exception {
    return Name.fromString(s);
  }

  @Test
  void everyRecordTypeGivesPrometheusLabels() throws Exception {
    Name owner = n("q.example.org.");
    var group = DnsSdDiscoverer.group("q.example.org", List.of(
        new SRVRecord(owner, DClass.IN, 60, 1, 5, 9100, n("node1.example.org.")),
        new MXRecord(owner, DClass.IN, 60, 10, n("mail.example.org.")),
        new NSRecord(owner, DClass.IN, 60, n("ns1.example.org.")),
        new ARecord(owner, DClass.IN, 60, InetAddress.getByName("10.0.0.1")),
        new AAAARecord(owner, DClass.IN, 60, InetAddress.getByName("2001:db8::1")),
        new CNAMERecord(owner, DClass.IN, 60, n("other.example.org.")),
        new TXTRecord(owner, DClass.IN, 60, "ignored")), 8080);
    assertEquals(List.of(
        Map.of("__address__", "node1.example.org:9100", "__meta_dns_srv_record_target", "node1.example.org.",
            "__meta_dns_srv_record_port", "9100", "__meta_dns_name", "q.example.org"),
        Map.of("__address__", "mail.example.org:8080", "__meta_dns_mx_record_target", "mail.example.org.",
            "__meta_dns_name", "q.example.org"),
        Map.of("__address__", "ns1.example.org:8080", "__meta_dns_ns_record_target", "ns1.example.org.",
            "__meta_dns_name", "q.example.org"),
        Map.of("__address__", "10.0.0.1:8080", "__meta_dns_name", "q.example.org"),
        Map.of("__address__", "[2001:db8::1]:8080", "__meta_dns_name", "q.example.org")), group.targets());
  }

  @ParameterizedTest
  @CsvSource({
    "::1, ::1",
    "::, ::",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:0db8:0000:0001:0001:0001:0001:0001, 2001:db8:0:1:1:1:1:1",
    "fe80:0:0:0:abcd:0:0:0, fe80::abcd:0:0:0",
    "::ffff:10.1.2.3, 10.1.2.3",
    "192.168.0.10, 192.168.0.10",
  })
  void addressesPrintAsGoPrintsThem(String in, String expected) throws Exception {
    assertEquals(expected, DnsSdDiscoverer.ipString(InetAddress.getByAddress(InetAddress.getByName(in).getAddress())));
  }

  @Test
  void nameListFollowsNdotsAndSearchDomains() throws Exception {
    List<Name> search = List.of(n("svc.local."), n("local."));
    assertEquals(List.of(n("web.svc.local."), n("web.local."), n("web.")), DnsResolver.nameList("web", search, 1));
    assertEquals(List.of(n("a.b."), n("a.b.svc.local."), n("a.b.local.")), DnsResolver.nameList("a.b", search, 1));
    assertEquals(List.of(n("a.b.svc.local."), n("a.b.local."), n("a.b.")), DnsResolver.nameList("a.b", search, 2));
    assertEquals(List.of(n("a.b.")), DnsResolver.nameList("a.b.", search, 1));
  }

  @Test
  void serversParseWithDefaultPort53() {
    assertEquals(new InetSocketAddress("127.0.0.1", 53), DnsResolver.parseServer("127.0.0.1"));
    assertEquals(new InetSocketAddress("127.0.0.1", 5353), DnsResolver.parseServer("127.0.0.1:5353"));
    assertEquals(new InetSocketAddress("::1", 5353), DnsResolver.parseServer("[::1]:5353"));
    assertEquals(new InetSocketAddress("::1", 53), DnsResolver.parseServer("::1"));
    assertThrows(IllegalArgumentException.class, () -> DnsResolver.parseServer("127.0.0.1:0"));
    assertThrows(IllegalArgumentException.class, () -> DnsResolver.parseServer("127.0.0.1:x"));
  }
}
