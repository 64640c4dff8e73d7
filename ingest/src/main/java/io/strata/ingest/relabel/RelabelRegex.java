package io.strata.ingest.relabel;

import io.strata.schemas.prom.GoExpand;
import io.strata.schemas.prom.GoRegex;

/**
 * A relabel regex: RE2 ({@link GoRegex}: Go's syntax, linear-time matching), fully anchored as Prometheus
 * does ({@code ^(?:re)$}), with Go's replacement template expansion ({@code $1}, {@code ${1}}, {@code $name},
 * {@code ${name}}, {@code $$}).
 */
public final class RelabelRegex {
  public static final String DEFAULT = "(.*)";

  private final GoRegex regex;

  private RelabelRegex(GoRegex regex) {
    this.regex = regex;
  }

  /** @throws IllegalArgumentException with Go's message for a regex RE2 refuses, as Prometheus's config loading says */
  public static RelabelRegex compile(String regex) {
    return new RelabelRegex(GoRegex.anchored(regex));
  }

  /** The regex as written in the config, without the anchors. */
  public String source() {
    return regex.source();
  }

  public boolean matches(CharSequence s) {
    return regex.matches(s);
  }

  /** The match of the whole of {@code s}, or null when it does not match. */
  GoExpand.Match match(CharSequence s) {
    return regex.match(s);
  }

  /** Expands a template with Go's rules ({@link GoExpand}, {@code regexp.Regexp.ExpandString}) against a successful match. */
  String expand(String template, GoExpand.Match m) {
    return GoExpand.expand(template, m);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RelabelRegex r && r.source().equals(source());
  }

  @Override
  public int hashCode() {
    return source().hashCode();
  }

  @Override
  public String toString() {
    return source();
  }
}
