package io.strata.flink.rules;

import io.strata.flink.model.GroupSpec;
import io.strata.promql.PromQL;
import io.strata.promql.rules.Rule;
import io.strata.promql.rules.RuleFile;
import io.strata.promql.rules.RuleGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Rule groups between their three forms: validated {@link RuleGroup}s of the promql module (what
 * {@code RuleFiles} parses and {@code GroupEvaluator} runs), {@code io.strata.avro.RuleGroup} records (the
 * value on {@code metrics.rules}, written by {@code strata rules push}), and the job's {@link GroupSpec}
 * (binary Avro, no registry). Keys are {@code tenant/namespace/group}.
 */
public final class RuleGroups {
  private RuleGroups() {}

  /** The key of a group on {@code metrics.rules} and in the job. */
  public static String key(String tenant, String namespace, String group) {
    return tenant + "/" + namespace + "/" + group;
  }

  public static io.strata.avro.RuleGroup toAvro(String tenant, String namespace, RuleGroup g) {
    List<io.strata.avro.Rule> rules = new ArrayList<>();
    for (Rule r : g.rules()) {
      rules.add(io.strata.avro.Rule.newBuilder()
          .setRecord(r.isRecording() ? r.name() : null)
          .setAlert(r.isAlerting() ? r.name() : null)
          .setExpr(r.exprText())
          .setForMs(r.forMs())
          .setKeepFiringForMs(r.keepFiringForMs())
          .setLabels(new LinkedHashMap<>(r.labels()))
          .setAnnotations(new LinkedHashMap<>(r.annotations()))
          .build());
    }
    return io.strata.avro.RuleGroup.newBuilder()
        .setTenant(tenant)
        .setNamespace(namespace)
        .setName(g.name())
        .setIntervalMs(g.intervalMs())
        .setLimit(g.limit())
        .setRules(rules)
        .build();
  }

  /**
   * The group an Avro record describes, its expressions parsed.
   *
   * @throws IllegalArgumentException when a rule has neither or both of record/alert, or an expression does
   *     not parse (a record not written by {@code strata rules push})
   */
  public static RuleGroup fromAvro(io.strata.avro.RuleGroup a) {
    List<Rule> rules = new ArrayList<>();
    int i = 0;
    for (io.strata.avro.Rule r : a.getRules()) {
      i++;
      boolean recording = r.getRecord() != null;
      if (recording == (r.getAlert() != null)) {
        throw new IllegalArgumentException("group " + a.getName() + " rule " + i + ": exactly one of record and alert must be set");
      }
      String name = recording ? r.getRecord() : r.getAlert();
      try {
        rules.add(new Rule(recording ? Rule.Kind.RECORDING : Rule.Kind.ALERTING, name, r.getExpr(),
            PromQL.parse(r.getExpr()), r.getForMs(), r.getKeepFiringForMs(), strings(r.getLabels()),
            strings(r.getAnnotations())));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("group " + a.getName() + " rule " + i + " (" + name + "): " + e.getMessage(), e);
      }
    }
    return new RuleGroup(a.getName(), a.getIntervalMs(), a.getLimit(), rules);
  }

  private static Map<String, String> strings(Map<String, String> m) {
    Map<String, String> out = new LinkedHashMap<>();
    if (m != null) {
      out.putAll(m);
    }
    return out;
  }

  /** The specs of a rule file's groups for {@code tenant}; the namespace is the file name as given. */
  public static List<GroupSpec> fileSpecs(String tenant, RuleFile file) {
    List<GroupSpec> out = new ArrayList<>();
    for (RuleGroup g : file.groups()) {
      out.add(new GroupSpec(key(tenant, file.fileName(), g.name()), tenant, true, 0,
          encode(toAvro(tenant, file.fileName(), g))));
    }
    return out;
  }

  public static byte[] encode(io.strata.avro.RuleGroup g) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    try {
      new SpecificDatumWriter<>(io.strata.avro.RuleGroup.class).write(g, enc);
      enc.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static io.strata.avro.RuleGroup decode(byte[] bytes) {
    BinaryDecoder dec = DecoderFactory.get().binaryDecoder(bytes, null);
    try {
      return new SpecificDatumReader<>(io.strata.avro.RuleGroup.class).read(null, dec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
