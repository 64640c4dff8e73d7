package io.strata.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;

/**
 * The broker's SASL listener and the credentials of its principals. The broker and its controller listener
 * authenticate {@link #ADMIN} with SASL/PLAIN against a password held only in its in-memory JAAS config (so it
 * works from the first start, before any SCRAM credential exists); every other principal logs in with
 * SASL/SCRAM-SHA-512, its credential created (or reset to the stored password) by the admin at each start.
 * {@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false}: a principal does what its ACLs
 * allow, the admin (super user) everything, an anonymous or unknown client nothing.
 *
 * <p>Passwords are random, generated on first use and kept in {@code secrets.properties} (mode 0600) in the
 * given directory, so they are stable across restarts.
 */
public final class KafkaSecurity {
  public static final String ADMIN = "strata-admin";
  private static final String MECHANISM = "SCRAM-SHA-512";
  private static final int SCRAM_ITERATIONS = 8192;

  private final Path file;
  private final Map<String, String> passwords;

  private KafkaSecurity(Path file, Map<String, String> passwords) {
    this.file = file;
    this.passwords = passwords;
  }

  /** Loads the passwords kept in {@code dir}, creating the file (0600) when absent. */
  public static KafkaSecurity load(Path dir) {
    Path file = dir.resolve("secrets.properties");
    Map<String, String> pw = new TreeMap<>();
    try {
      Files.createDirectories(dir);
      if (Files.exists(file)) {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          p.load(r);
        }
        p.stringPropertyNames().forEach(k -> pw.put(k, p.getProperty(k)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    KafkaSecurity s = new KafkaSecurity(file, pw);
    s.password(ADMIN);
    return s;
  }

  /** The password of {@code principal}, generated (and stored) on first use. */
  public synchronized String password(String principal) {
    String p = passwords.get(principal);
    if (p == null) {
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      p = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      passwords.put(principal, p);
      store();
    }
    return p;
  }

  private void store() {
    Properties p = new Properties();
    p.putAll(passwords);
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        p.store(w, "Strata's internal credentials (Kafka principals, registry user): keep private");
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Broker overrides ({@link KafkaBroker#start}): both listeners SASL, the authorizer on, the admin a super user. */
  public Map<String, String> brokerConfig(String host, int port, int controllerPort) {
    String plain = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN + "\" password=\""
        + password(ADMIN) + "\" user_" + ADMIN + "=\"" + password(ADMIN) + "\";";
    Map<String, String> m = new TreeMap<>();
    m.put("listeners", "SASL_PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
    m.put("advertised.listeners", "SASL_PLAINTEXT://" + host + ":" + port);
    m.put("inter.broker.listener.name", "SASL_PLAINTEXT");
    m.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
    m.put("sasl.enabled.mechanisms", "PLAIN," + MECHANISM);
    m.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    m.put("sasl.mechanism.controller.protocol", "PLAIN");
    m.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", plain);
    m.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    m.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
    m.put("listener.name.controller.plain.sasl.jaas.config", plain);
    m.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    m.put("super.users", "User:" + ADMIN);
    m.put("allow.everyone.if.no.acl.found", "false");
    return m;
  }

  /** Client properties (producer, consumer, admin, Streams) that log in as {@code principal}. */
  public Map<String, String> client(String principal) {
    if (principal.equals(ADMIN)) {
      return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
          "sasl.jaas.config", jaas("org.apache.kafka.common.security.plain.PlainLoginModule", ADMIN));
    }
    return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", MECHANISM,
        "sasl.jaas.config", jaas("org.apache.kafka.common.security.scram.ScramLoginModule", principal));
  }

  /**
   * Waits until the broker accepts {@code principal}'s new credential (it applies the metadata change
   * asynchronously), so that no stage started next fails its first login: a Kafka client gives up on an
   * authentication failure. Credentials are applied in order, so the last one standing for all.
   */
  private void awaitLogin(String bootstrap, String principal) throws InterruptedException {
    Map<String, Object> p = new TreeMap<>(client(principal));
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Admin a = Admin.create(p)) {
        a.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
        return;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the broker does not accept the credential of " + principal + ": " + e.getMessage(), e);
        }
        Thread.sleep(200);
      }
    }
  }

  private String jaas(String module, String principal) {
    return module + " required username=\"" + principal + "\" password=\"" + password(principal) + "\";";
  }

  /**
   * As the admin: sets each principal's SCRAM credential to its stored password and adds {@code acls} (adding an
   * ACL that exists is a no-op, so this runs at every start).
   */
  public void provision(String bootstrap, List<String> principals, List<AclBinding> acls) {
    Map<String, Object> p = new TreeMap<>(client(ADMIN));
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      List<UserScramCredentialAlteration> creds = new ArrayList<>();
      for (String principal : principals) {
        creds.add(new UserScramCredentialUpsertion(principal, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
            password(principal)));
      }
      admin.alterUserScramCredentials(creds).all().get(60, TimeUnit.SECONDS);
      admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);
      if (!principals.isEmpty()) {
        awaitLogin(bootstrap, principals.get(principals.size() - 1));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted provisioning Kafka credentials", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot provision Kafka credentials and ACLs: " + e.getMessage(), e);
    }
  }
}
