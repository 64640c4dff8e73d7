package io.strata.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port checks done before anything starts, so a busy port is a clear error and nothing is half-started. */
public final class Ports {
  private Ports() {}

  /** Throws {@link PortInUseException} naming the port's role when it cannot be bound on the host. */
  public static void requireFree(String role, String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (IOException e) {
      throw new PortInUseException(role, host, port, e);
    }
  }

  /** A port that was free a moment ago on the loopback interface (for tests). */
  public static int free() {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on loopback", e);
    }
  }

  /** n different ports that were free a moment ago: all are held open until all are found. */
  public static int[] free(int n) {
    ServerSocket[] held = new ServerSocket[n];
    int[] ports = new int[n];
    try {
      for (int i = 0; i < n; i++) {
        held[i] = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ports[i] = held[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new IllegalStateException("no free port on loopback", e);
    } finally {
      for (ServerSocket s : held) {
        if (s != null) {
          try {
            s.close();
          } catch (IOException e) {
            // closing a probe socket
          }
        }
      }
    }
  }

  /** A port is already bound by another process. */
  public static final class PortInUseException extends RuntimeException {
    public PortInUseException(String role, String host, int port, Throwable cause) {
      super(role + " port " + host + ":" + port + " is already in use (" + cause.getMessage() + "); stop what holds it or choose another port", cause);
    }
  }
}
