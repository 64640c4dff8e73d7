package io.strata.promql.template;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Prometheus 2.42's alert templating: Go 1.19 {@code text/template} (what Debian's promtool 2.42 is
 * built with) with {@code missingkey=zero} and Prometheus's function map. Parsed templates are cached
 * (LRU keyed by name and text), so the rule evaluator's every-interval expansion only executes.
 */
public final class PromTemplate {
  private PromTemplate() {}

  /** Prometheus's rules/alerting.go prepends these to every label and annotation template. */
  static final String DEFS = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
      + "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

  /** Cache size: distinct templates (rules x labels/annotations) a process keeps parsed; each is a few KB. */
  private static final int CACHE_SIZE = 4096;

  private static final Map<String, GoFunc> BUILTINS = new HashMap<>();
  private static final Set<String> FUNC_NAMES = new HashSet<>();

  static {
    Builtins.addTo(BUILTINS);
    FUNC_NAMES.addAll(BUILTINS.keySet());
    FUNC_NAMES.addAll(PromFuncs.NAMES);
  }

  /** A parse result: the trees, or Go's error text. */
  private record Compiled(Map<String, Tree> trees, String error) {}

  private static final Map<String, Compiled> CACHE = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Compiled> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  private static Compiled compile(String name, String text) {
    String key = name + '\u0000' + text;
    synchronized (CACHE) {
      Compiled c = CACHE.get(key);
      if (c != null) {
        return c;
      }
    }
    Compiled c;
    try {
      c = new Compiled(Parser.parse(name, text, FUNC_NAMES::contains), null);
    } catch (ParseException e) {
      c = new Compiled(null, e.getMessage());
    }
    synchronized (CACHE) {
      CACHE.put(key, c);
    }
    return c;
  }

  /**
   * Prometheus's {@code template.Expander.Expand} for an alerting rule: {@code name} is
   * {@code "__alert_" + alertName}; the text is prefixed with Prometheus's defs ({@code $labels},
   * {@code $externalLabels}, {@code $externalURL}, {@code $value}).
   */
  public static String expand(String name, String text, TemplateContext ctx) throws TemplateException {
    Compiled c = compile(name, DEFS + text);
    if (c.error != null) {
      throw new TemplateException("error parsing template " + name + ": " + c.error);
    }
    Map<String, GoFunc> funcs = new HashMap<>(BUILTINS);
    PromFuncs.addTo(funcs, ctx);
    GoValue data = new GoValue(GoType.ALERT_DATA, new GoValue[] {
        PromFuncs.stringMap(ctx.labels()), PromFuncs.stringMap(ctx.externalLabels()),
        GoValue.str(ctx.externalURL() == null ? "" : ctx.externalURL()), GoValue.f64(ctx.value())});
    StringBuilder out = new StringBuilder();
    try {
      Exec.execute(c.trees, funcs, name, data, out);
    } catch (ExecException e) {
      throw new TemplateException("error executing template " + name + ": " + e.getMessage());
    } catch (StackOverflowError e) {
      // Go stops at depth 100000 with the location of the recursive {{template}}; the JVM stack ends sooner
      throw new TemplateException("error executing template " + name + ": template: " + name
          + ": exceeded maximum template depth (100000)");
    } catch (RuntimeException e) {
      throw new TemplateException("panic expanding template " + name + ": " + e);
    }
    return out.toString();
  }

  /**
   * The parse check of rule loading and {@code promtool check rules}: null when the template parses,
   * else Go's error text, e.g. {@code template: __alert_X:1: unexpected "}" in operand}.
   */
  public static String check(String name, String text) {
    return compile(name, DEFS + text).error;
  }
}
