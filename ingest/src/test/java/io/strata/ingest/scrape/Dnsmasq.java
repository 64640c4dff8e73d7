package io.strata.ingest.scrape;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's dnsmasq as a test DNS server on a loopback address: authoritative for {@code strata.test}
 * (unknown names there are NXDOMAIN), A records from a hosts file (re-read on {@link #reloadHosts()}),
 * SRV/MX records from the command line ({@link #restart(List)} changes them; dnsmasq does not re-read them
 * on SIGHUP).
 */
final class Dnsmasq implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/sbin/dnsmasq");

  final String address;
  final int port;
  final Path hosts;
  private final Path log;
  private Process process;

  Dnsmasq(Path dir, String address, int port) {
    this.address = address;
    this.port = port;
    this.hosts = dir.resolve("dnsmasq.hosts");
    this.log = dir.resolve("dnsmasq.log");
  }

  static void assumeInstalled() {
    assumeTrue(Files.isExecutable(BINARY), "dnsmasq is not installed (Debian package dnsmasq-base)");
  }

  /** A free UDP port on the address. */
  static int freeUdpPort(String address) throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0))) {
      return s.getLocalPort();
    }
  }

  InetSocketAddress socketAddress() {
    return new InetSocketAddress(address, port);
  }

  /** Starts (or restarts) with these extra options, e.g. {@code --srv-host=...}. */
  void restart(List<String> records) throws Exception {
    stop();
    if (!Files.exists(hosts)) {
      Files.writeString(hosts, "");
    }
    List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--keep-in-foreground", "--conf-file=/dev/null",
        "--no-resolv", "--no-hosts", "--no-poll", "--bind-interfaces", "--listen-address=" + address, "--port=" + port,
        "--local=/strata.test/", "--addn-hosts=" + hosts, "--pid-file=", "--user=" + System.getProperty("user.name"),
        "--log-queries", "--log-facility=-"));
    cmd.addAll(records);
    process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!Files.readString(log).contains("read " + hosts)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("dnsmasq did not start: " + Files.readString(log));
      }
      Thread.sleep(20);
    }
  }

  /** SIGHUP: dnsmasq re-reads the hosts file. */
  void reloadHosts() throws Exception {
    long before = Files.readString(log).split("read " + hosts, -1).length;
    new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (Files.readString(log).split("read " + hosts, -1).length == before) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("dnsmasq did not re-read " + hosts);
      }
      Thread.sleep(20);
    }
  }

  void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
      process = null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
