package io.strata.ingest.relabel;

import io.strata.schemas.model.Labels;
import io.strata.schemas.prom.GoExpand;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;

/** Applies relabel configs in order, with the semantics of Prometheus's {@code relabel.Process}. */
public final class Relabeler {
  private Relabeler() {}

  /** Relabels {@code in}; returns null when a config dropped it or no label is left. */
  public static Labels process(Labels in, List<RelabelConfig> configs) {
    LabelSetBuilder lb = new LabelSetBuilder(in);
    if (!process(lb, configs)) {
      return null;
    }
    return lb.size() == 0 ? null : lb.toLabels();
  }

  /** Relabels in place; false when a keep/drop action dropped the set. */
  public static boolean process(LabelSetBuilder lb, List<RelabelConfig> configs) {
    for (int i = 0; i < configs.size(); i++) {
      if (!apply(lb, configs.get(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean apply(LabelSetBuilder lb, RelabelConfig cfg) {
    String val = joinSources(lb, cfg);
    RelabelRegex re = cfg.regex();
    switch (cfg.action()) {
      case DROP -> {
        if (re.matches(val)) {
          return false;
        }
      }
      case KEEP -> {
        if (!re.matches(val)) {
          return false;
        }
      }
      case DROPEQUAL -> {
        if (lb.get(cfg.targetLabel()).equals(val)) {
          return false;
        }
      }
      case KEEPEQUAL -> {
        if (!lb.get(cfg.targetLabel()).equals(val)) {
          return false;
        }
      }
      case REPLACE -> {
        GoExpand.Match m = re.match(val);
        if (m == null) {
          break; // no match, no replacement
        }
        String target = re.expand(cfg.targetLabel(), m);
        if (!Labels.isValidName(target)) {
          break;
        }
        String res = re.expand(cfg.replacement(), m);
        if (res.isEmpty()) {
          lb.delete(target);
        } else {
          lb.set(target, res);
        }
      }
      case LOWERCASE -> lb.set(cfg.targetLabel(), val.toLowerCase(Locale.ROOT));
      case UPPERCASE -> lb.set(cfg.targetLabel(), val.toUpperCase(Locale.ROOT));
      case HASHMOD -> lb.set(cfg.targetLabel(), Long.toUnsignedString(hashmod(val, cfg.modulus())));
      case LABELMAP -> {
        for (String name : lb.names()) {
          GoExpand.Match m = re.match(name);
          if (m != null) {
            lb.set(re.expand(cfg.replacement(), m), lb.get(name));
          }
        }
      }
      case LABELDROP -> {
        for (String name : lb.names()) {
          if (re.matches(name)) {
            lb.delete(name);
          }
        }
      }
      case LABELKEEP -> {
        for (String name : lb.names()) {
          if (!re.matches(name)) {
            lb.delete(name);
          }
        }
      }
      default -> throw new IllegalStateException("BUG: unhandled relabel action " + cfg.action());
    }
    return true;
  }

  private static String joinSources(LabelSetBuilder lb, RelabelConfig cfg) {
    List<String> src = cfg.sourceLabels();
    if (src.isEmpty()) {
      return "";
    }
    if (src.size() == 1) {
      return lb.get(src.get(0));
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < src.size(); i++) {
      if (i > 0) {
        sb.append(cfg.separator());
      }
      sb.append(lb.get(src.get(i)));
    }
    return sb.toString();
  }

  /**
   * Prometheus's hashmod: MD5 of the value, the last 8 bytes read big-endian as an unsigned 64-bit
   * integer, modulo the (unsigned) modulus.
   */
  public static long hashmod(String value, long modulus) {
    byte[] d;
    try {
      d = MessageDigest.getInstance("MD5").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: MD5 is a required JDK algorithm", e);
    }
    long h = 0;
    for (int i = 8; i < 16; i++) {
      h = (h << 8) | (d[i] & 0xff);
    }
    return Long.remainderUnsigned(h, modulus);
  }
}
