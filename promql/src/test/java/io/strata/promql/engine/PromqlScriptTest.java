package io.strata.promql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strata.promql.parser.PromQLParseException;
import io.strata.promql.storage.InMemoryStorage;
import io.strata.schemas.model.Labels;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs every {@code promqltest/*.test} script; each eval is one dynamic test named file:line. */
class PromqlScriptTest {
  private static final Engine ENGINE = new Engine();

  @TestFactory
  Stream<DynamicNode> scripts() throws IOException, URISyntaxException {
    URL dir = PromqlScriptTest.class.getClassLoader().getResource("promqltest");
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of(dir.toURI()))) {
      files = s.filter(p -> p.toString().endsWith(".test")).sorted().toList();
    }
    assertTrue(files.size() > 0, "no script files found");
    List<DynamicNode> nodes = new ArrayList<>();
    for (Path f : files) {
      nodes.add(DynamicContainer.dynamicContainer(f.getFileName().toString(), tests(f)));
    }
    return nodes.stream();
  }

  static int countEvals() throws IOException, URISyntaxException {
    URL dir = PromqlScriptTest.class.getClassLoader().getResource("promqltest");
    int n = 0;
    try (Stream<Path> s = Files.list(Path.of(dir.toURI()))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".test")).toList()) {
        for (PromqlScript.Command c : PromqlScript.parse(Files.readString(p))) {
          if (c instanceof PromqlScript.Eval) {
            n++;
          }
        }
      }
    }
    return n;
  }

  private static List<DynamicTest> tests(Path file) throws IOException {
    String name = file.getFileName().toString();
    List<PromqlScript.Command> commands = PromqlScript.parse(Files.readString(file, StandardCharsets.UTF_8));
    List<DynamicTest> out = new ArrayList<>();
    // storage state as of each eval: loads are cumulative until "clear"
    InMemoryStorage[] storage = {new InMemoryStorage()};
    for (PromqlScript.Command c : commands) {
      if (c instanceof PromqlScript.Clear) {
        storage[0] = new InMemoryStorage();
      } else if (c instanceof PromqlScript.Load load) {
        for (var e : load.series().entrySet()) {
          double[] v = e.getValue();
          for (int i = 0; i < v.length; i++) {
            if (!PromqlScript.isMissing(v[i])) {
              storage[0].add(e.getKey(), i * load.intervalMs(), v[i]);
            }
          }
        }
      } else {
        PromqlScript.Eval ev = (PromqlScript.Eval) c;
        InMemoryStorage s = storage[0];
        out.add(DynamicTest.dynamicTest(name + ":" + ev.line() + " " + ev.expr(), () -> run(s, ev)));
      }
    }
    return out;
  }

  static void run(InMemoryStorage s, PromqlScript.Eval ev) {
    if (ev.fail()) {
      try {
        if (ev.range()) {
          ENGINE.rangeQuery(s, ev.expr(), ev.start(), ev.end(), ev.step());
        } else {
          ENGINE.instantQuery(s, ev.expr(), ev.start());
        }
      } catch (QueryException | PromQLParseException e) {
        if (ev.errorMessage() != null) {
          assertEquals(ev.errorMessage(), e.getMessage());
        }
        return;
      }
      fail("expected an error");
    }
    if (ev.range()) {
      Matrix m = ENGINE.rangeQuery(s, ev.expr(), ev.start(), ev.end(), ev.step());
      checkMatrix(ev, m);
      return;
    }
    Value v = ENGINE.instantQuery(s, ev.expr(), ev.start());
    if (ev.scalar() != null) {
      if (!(v instanceof Scalar sc)) {
        fail("expected scalar " + ev.scalar() + ", got " + describe(v));
        return;
      }
      assertTrue(almostEqual(ev.scalar(), sc.value()), "expected scalar " + ev.scalar() + ", got " + sc.value());
      return;
    }
    if (v instanceof Scalar sc) {
      fail("expected a vector, got scalar " + sc.value());
    }
    if (v instanceof Matrix m) {
      checkMatrix(ev, m);
      return;
    }
    Vector vec = (Vector) v;
    Map<Labels, Double> got = new HashMap<>();
    for (Sample smp : vec.samples()) {
      got.put(smp.labels(), smp.value());
    }
    StringBuilder diff = new StringBuilder();
    if (got.size() != vec.samples().size()) {
      diff.append("duplicate label sets in result; ");
    }
    for (int i = 0; i < ev.expectedLabels().size(); i++) {
      Labels l = ev.expectedLabels().get(i);
      Double want = ev.expectedValues().get(i)[0];
      Double have = got.get(l);
      if (have == null) {
        diff.append("missing ").append(l).append(' ').append(want).append("; ");
      } else if (!almostEqual(want, have)) {
        diff.append(l).append(" want ").append(want).append(" got ").append(have).append("; ");
      }
      if (ev.ordered() && have != null && i < vec.samples().size() && !vec.samples().get(i).labels().equals(l)) {
        diff.append("position ").append(i).append(" want ").append(l).append(" got ")
            .append(vec.samples().get(i).labels()).append("; ");
      }
    }
    for (Labels l : got.keySet()) {
      if (!ev.expectedLabels().contains(l)) {
        diff.append("unexpected ").append(l).append(' ').append(got.get(l)).append("; ");
      }
    }
    if (diff.length() > 0) {
      fail(diff + "\nfull result: " + describe(v));
    }
  }

  private static void checkMatrix(PromqlScript.Eval ev, Matrix m) {
    StringBuilder diff = new StringBuilder();
    Map<Labels, Series> got = new HashMap<>();
    for (Series s : m.series()) {
      got.put(s.labels(), s);
    }
    long step = ev.range() ? ev.step() : 0;
    for (int i = 0; i < ev.expectedLabels().size(); i++) {
      Labels l = ev.expectedLabels().get(i);
      Series s = got.get(l);
      if (s == null) {
        diff.append("missing series ").append(l).append("; ");
        continue;
      }
      Double[] want = ev.expectedValues().get(i);
      List<Double> have = new ArrayList<>();
      if (ev.range()) {
        int k = 0;
        for (long t = ev.start(); t <= ev.end(); t += step) {
          if (k < s.size() && s.timestamps()[k] == t) {
            have.add(s.values()[k++]);
          } else {
            have.add(null);
          }
        }
      } else {
        for (double d : s.values()) {
          have.add(d);
        }
      }
      boolean same = have.size() == want.length;
      for (int k = 0; same && k < want.length; k++) {
        same = (want[k] == null) == (have.get(k) == null) && (want[k] == null || almostEqual(want[k], have.get(k)));
      }
      if (!same) {
        diff.append(l).append(" want ").append(java.util.Arrays.toString(want)).append(" got ").append(have).append("; ");
      }
    }
    for (Labels l : got.keySet()) {
      if (!ev.expectedLabels().contains(l)) {
        diff.append("unexpected series ").append(got.get(l)).append("; ");
      }
    }
    if (diff.length() > 0) {
      fail(diff.toString());
    }
  }

  private static String describe(Value v) {
    if (v instanceof Vector vec) {
      StringBuilder sb = new StringBuilder();
      for (Sample s : vec.samples()) {
        sb.append("\n  ").append(s.labels()).append(' ').append(s.value());
      }
      return sb.toString();
    }
    return v.toString();
  }

  /** Prometheus's test tolerance: equal, both NaN, or relative difference below 1e-6. */
  static boolean almostEqual(double a, double b) {
    if (Double.isNaN(a) && Double.isNaN(b)) {
      return true;
    }
    if (a == b) {
      return true;
    }
    double diff = Math.abs(a - b);
    if (a == 0 || b == 0 || diff < Double.MIN_NORMAL) {
      return diff < 1e-6 * Double.MIN_NORMAL;
    }
    return diff / (Math.abs(a) + Math.abs(b)) < 1e-6;
  }
}
