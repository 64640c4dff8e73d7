package io.strata.ingest.server;

/**
 * Tenant ids as they arrive in {@code X-Scope-OrgID}: 1-150 characters from {@code [a-zA-Z0-9!-_.*'()]},
 * not {@code .} or {@code ..} (the rule Cortex, Mimir and Loki apply, so one header works for all of them).
 */
public final class Tenants {
  public static final String HEADER = "X-Scope-OrgID";
  public static final int MAX_LENGTH = 150;

  private Tenants() {}

  public static boolean isValid(String t) {
    if (t == null || t.isEmpty() || t.length() > MAX_LENGTH || t.equals(".") || t.equals("..")) {
      return false;
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '!' || c == '-' || c == '_' || c == '.' || c == '*' || c == '\'' || c == '(' || c == ')';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
