package io.strata.ingest.pushgateway;

import io.strata.ingest.remotewrite.BadRequestException;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesKey;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.TreeMap;

/**
 * The labels of a Pushgateway group, from the URL {@code /metrics/job/<job>{/<label>/<value>}}: {@code job}
 * is always there; values may be empty. A name ending in {@code @base64} takes a URL-safe base64 value
 * (padding optional, so {@code @base64/=} is the empty string), which is how values with {@code /} are sent.
 */
public record GroupingKey(Labels labels) implements Comparable<GroupingKey> {
  public static final String BASE64_SUFFIX = "@base64";

  public String job() {
    return labels.get("job");
  }

  /**
   * Parses the path after {@code /metrics/}, e.g. {@code job/backup/instance/db1}, with each segment still
   * percent-encoded. Errors read as the Pushgateway's.
   */
  public static GroupingKey parse(String rawPath) {
    String[] parts = rawPath.split("/", -1);
    if (parts.length < 2 || !(parts[0].equals("job") || parts[0].equals("job" + BASE64_SUFFIX))) {
      throw new BadRequestException("grouping_key", "the URL must be /metrics/job/<job>{/<label>/<value>}, got /metrics/" + rawPath);
    }
    TreeMap<String, String> m = new TreeMap<>();
    String job = percentDecode(parts[1]);
    if (parts[0].endsWith(BASE64_SUFFIX)) {
      job = base64(job, "job name");
    }
    if (job.isEmpty()) {
      throw new BadRequestException("grouping_key", "job name is required");
    }
    m.put("job", job);
    int rest = parts.length - 2;
    if (rest == 1 && parts[2].isEmpty()) {
      rest = 0; // a trailing slash
    }
    if (rest % 2 != 0) {
      StringBuilder s = new StringBuilder();
      for (int i = 2; i < parts.length; i++) {
        s.append('/').append(parts[i]);
      }
      throw new BadRequestException("grouping_key", "odd number of components in label string \"" + s + "\"");
    }
    for (int i = 2; i + 1 < 2 + rest; i += 2) {
      String name = percentDecode(parts[i]);
      String value = percentDecode(parts[i + 1]);
      if (name.endsWith(BASE64_SUFFIX)) {
        name = name.substring(0, name.length() - BASE64_SUFFIX.length());
        value = base64(value, "label value");
      }
      if (!Labels.isValidName(name) || name.startsWith("__")) {
        throw new BadRequestException("grouping_key", "improper label name \"" + name + "\"");
      }
      if (m.put(name, value) != null) {
        throw new BadRequestException("grouping_key", "duplicate label name \"" + name + "\" in the grouping key");
      }
    }
    return new GroupingKey(Labels.fromMap(m));
  }

  private static String percentDecode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("grouping_key", "invalid percent-encoding in \"" + s + "\"");
    }
  }

  private static String base64(String s, String what) {
    String trimmed = s;
    while (trimmed.endsWith("=")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    try {
      byte[] b = Base64.getUrlDecoder().decode(trimmed);
      String v = new String(b, StandardCharsets.UTF_8);
      if (!java.util.Arrays.equals(v.getBytes(StandardCharsets.UTF_8), b)) {
        throw new BadRequestException("grouping_key", "invalid UTF-8 in base64 " + what + " \"" + s + "\"");
      }
      return v;
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("grouping_key", "invalid base64 encoding in " + what + " \"" + s + "\": " + e.getMessage());
    }
  }

  /** The record key on the group log: the series key encoding of tenant and labels ({@link SeriesKey#encode}). */
  public byte[] recordKey(String tenant) {
    return SeriesKey.encode(tenant, labels);
  }

  @Override
  public int compareTo(GroupingKey o) {
    return labels.compareTo(o.labels);
  }

  @Override
  public String toString() {
    return labels.toString();
  }
}
