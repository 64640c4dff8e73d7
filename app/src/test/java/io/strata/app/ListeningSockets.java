package io.strata.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP sockets a process listens on, read from Linux's /proc as {@code ss -ltnp} does: the socket inodes
 * among the process's file descriptors, looked up in {@code /proc/<pid>/net/tcp} and {@code tcp6}.
 */
final class ListeningSockets {
  private static final String LISTEN = "0A";

  private ListeningSockets() {}

  static List<InetSocketAddress> of(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    List<InetSocketAddress> out = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      Path f = Path.of("/proc", Long.toString(pid), "net", table);
      if (!Files.exists(f)) {
        continue;
      }
      // read once: the table lists every socket of the network namespace and changes between two reads
      List<String> lines = Files.readAllLines(f);
      for (String line : lines.subList(1, lines.size())) {
        String[] c = line.trim().split("\\s+");
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
        if (c.length > 9 && c[3].equals(LISTEN) && inodes.contains(c[9])) {
          String[] hostPort = c[1].split(":");
          out.add(new InetSocketAddress(address(hostPort[0]), Integer.parseInt(hostPort[1], 16)));
        }
      }
    }
    return out;
  }

  /** /proc's hex address: 32-bit words in host (little-endian) byte order. */
  private static InetAddress address(String hex) throws UnknownHostException {
    byte[] b = new byte[hex.length() / 2];
    for (int word = 0; word < b.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        int at = word * 8 + (3 - i) * 2;
        b[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    return InetAddress.getByAddress(b);
  }
}
