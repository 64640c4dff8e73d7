package io.strata.promql.template;

import io.strata.promql.template.GoFunc.FuncError;
import io.strata.promql.template.GoType.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** text/template's builtin functions (Go 1.19 {@code funcs.go}) with their Go signatures and errors. */
final class Builtins {
  private Builtins() {}

  private static final GoType V = GoType.VALUE;
  private static final GoType I = GoType.IFACE;

  static void addTo(Map<String, GoFunc> m) {
    m.put("and", GoFunc.variadic("and", a -> null, V, V));
    m.put("or", GoFunc.variadic("or", a -> null, V, V));
    m.put("call", GoFunc.variadic("call", Builtins::call, V, V));
    m.put("html", GoFunc.variadic("html", a -> GoValue.str(GoStrings.htmlEscape(evalArgs(a))), I));
    m.put("js", GoFunc.variadic("js", a -> GoValue.str(GoStrings.jsEscape(evalArgs(a))), I));
    m.put("urlquery", GoFunc.variadic("urlquery", a -> GoValue.str(GoStrings.queryEscape(evalArgs(a))), I));
    m.put("index", GoFunc.variadic("index", Builtins::index, V, V));
    m.put("slice", GoFunc.variadic("slice", Builtins::slice, V, V));
    m.put("len", GoFunc.of("len", Builtins::length, V));
    m.put("not", GoFunc.of("not", a -> GoValue.bool(!Exec.truth(a[0])), V));
    m.put("print", GoFunc.variadic("print", a -> GoValue.str(GoFmt.sprint(Arrays.asList(a))), I));
    m.put("printf", GoFunc.variadic("printf",
        a -> GoValue.str(GoFmt.sprintf(a[0].s(), Arrays.asList(a).subList(1, a.length))), GoType.STRING, I));
    m.put("println", GoFunc.variadic("println", a -> GoValue.str(GoFmt.sprintln(Arrays.asList(a))), I));
    m.put("eq", GoFunc.variadic("eq", a -> GoValue.bool(eq(a[0], Arrays.copyOfRange(a, 1, a.length))), V, V));
    m.put("ne", GoFunc.of("ne", a -> GoValue.bool(!eq(a[0], new GoValue[] {a[1]})), V, V));
    m.put("lt", GoFunc.of("lt", a -> GoValue.bool(lt(a[0], a[1])), V, V));
    m.put("le", GoFunc.of("le", a -> GoValue.bool(lt(a[0], a[1]) || eq(a[0], new GoValue[] {a[1]})), V, V));
    m.put("gt", GoFunc.of("gt", a -> GoValue.bool(!(lt(a[0], a[1]) || eq(a[0], new GoValue[] {a[1]}))), V, V));
    m.put("ge", GoFunc.of("ge", a -> GoValue.bool(!lt(a[0], a[1])), V, V));
  }

  /** {@code and} and {@code or} evaluate their arguments lazily in the executor. */
  static boolean isShortCircuit(GoFunc f) {
    return f.in().length == 2 && f.in()[0] == V && f.variadic() && (f.name().equals("and") || f.name().equals("or"));
  }

  /** text/template's evalArgs: a lone string as is, else fmt.Sprint of the printable values. */
  static String evalArgs(GoValue[] args) {
    if (args.length == 1) {
      GoValue a = GoFmt.dyn(args[0]);
      if (a != null && a.type() == GoType.STRING) {
        return a.s();
      }
    }
    List<GoValue> vals = new ArrayList<>();
    for (GoValue g : args) {
      GoValue a = GoFmt.dyn(g);
      if (a != null && a.kind() == Kind.PTR) {
        a = Exec.indirect(a);
      }
      vals.add(a == null ? GoValue.str("<no value>") : a);
    }
    return GoFmt.sprint(vals);
  }

  private static GoValue call(GoValue[] a) throws FuncError {
    GoValue fn = Exec.indirectInterface(a[0]);
    if (fn == null) {
      throw new FuncError("call of nil");
    }
    throw new FuncError("non-function of type " + fn.type());
  }

  private static int indexArg(GoValue index, int cap) throws FuncError {
    long x;
    if (index == null) {
      throw new FuncError("cannot index slice/array with nil");
    }
    switch (index.kind()) {
      case INT, INT64 -> x = index.l();
      case UINT, UINT64 -> x = index.l();
      default -> throw new FuncError("cannot index slice/array with type " + index.type());
    }
    if (x < 0 || x > cap) {
      throw new FuncError("index out of range: " + x);
    }
    return (int) x;
  }

  private static GoValue index(GoValue[] a) throws FuncError {
    GoValue item = Exec.indirectInterface(a[0]);
    if (item == null) {
      throw new FuncError("index of untyped nil");
    }
    for (int k = 1; k < a.length; k++) {
      GoValue index = Exec.indirectInterface(a[k]);
      item = Exec.indirect(item);
      if (item.isNil() && (item.kind() == Kind.PTR || item.kind() == Kind.INTERFACE)) {
        throw new FuncError("index of nil pointer");
      }
      switch (item.kind()) {
        case SLICE -> {
          int x = indexArg(index, item.len());
          if (x >= item.len()) {
            throw new FuncError("reflect: slice index out of range");
          }
          item = item.list().get(x);
        }
        case STRING -> {
          byte[] b = item.s().getBytes(StandardCharsets.UTF_8);
          int x = indexArg(index, b.length);
          if (x >= b.length) {
            throw new FuncError("reflect: string index out of range");
          }
          item = new GoValue(GoType.UINT8, (long) (b[x] & 0xff));
        }
        case MAP -> {
          GoValue key = prepareArg(index, GoType.STRING);
          GoValue x = item.v() == null ? null : item.map().get(key.s());
          item = x != null ? x : Exec.zero(item.type().elem);
        }
        default -> throw new FuncError("can't index item of type " + item.type());
      }
    }
    return item;
  }

  private static GoValue prepareArg(GoValue value, GoType argType) throws FuncError {
    if (value == null) {
      if (!argType.canBeNil()) {
        throw new FuncError("value is nil; should be of type " + argType);
      }
      return Exec.zero(argType);
    }
    if (value.type().assignableTo(argType)) {
      return value;
    }
    throw new FuncError("value has type " + value.type() + "; should be " + argType);
  }

  private static GoValue slice(GoValue[] a) throws FuncError {
    GoValue item = Exec.indirectInterface(a[0]);
    if (item == null) {
      throw new FuncError("slice of untyped nil");
    }
    int n = a.length - 1;
    if (n > 3) {
      throw new FuncError("too many slice indexes: " + n);
    }
    int cap;
    byte[] bytes = null;
    switch (item.kind()) {
      case STRING -> {
        if (n == 3) {
          throw new FuncError("cannot 3-index slice a string");
        }
        bytes = item.s().getBytes(StandardCharsets.UTF_8);
        cap = bytes.length;
      }
      case SLICE -> cap = item.len();
      default -> throw new FuncError("can't slice item of type " + item.type());
    }
    int[] idx = {0, cap, 0};
    for (int i = 0; i < n; i++) {
      idx[i] = indexArg(a[i + 1], cap);
    }
    if (idx[0] > idx[1]) {
      throw new FuncError("invalid slice index: " + idx[0] + " > " + idx[1]);
    }
    if (n == 3 && idx[1] > idx[2]) {
      throw new FuncError("invalid slice index: " + idx[1] + " > " + idx[2]);
    }
    if (bytes != null) {
      return new GoValue(item.type(), new String(bytes, idx[0], idx[1] - idx[0], StandardCharsets.UTF_8));
    }
    List<GoValue> l = item.v() == null ? List.of() : item.list();
    return new GoValue(item.type(), new ArrayList<>(l.subList(idx[0], idx[1])));
  }

  private static GoValue length(GoValue[] a) throws FuncError {
    GoValue item = Exec.indirect(a[0]);
    if (item != null && (item.kind() == Kind.PTR || item.kind() == Kind.INTERFACE) && item.v() == null) {
      throw new FuncError("len of nil pointer");
    }
    if (item == null) {
      throw new FuncError("reflect: call of reflect.Value.Type on zero Value");
    }
    return switch (item.kind()) {
      case MAP, SLICE, STRING -> GoValue.integer(item.len());
      default -> throw new FuncError("len of type " + item.type());
    };
  }

  // ---- comparisons ----

  private enum BasicKind { INVALID, BOOL, COMPLEX, INT, FLOAT, STRING, UINT }

  private static BasicKind basicKind(GoValue v) {
    if (v == null) {
      return BasicKind.INVALID;
    }
    return switch (v.kind()) {
      case BOOL -> BasicKind.BOOL;
      case INT, INT64 -> BasicKind.INT;
      case UINT, UINT64 -> BasicKind.UINT;
      case FLOAT64 -> BasicKind.FLOAT;
      case COMPLEX128 -> BasicKind.COMPLEX;
      case STRING -> BasicKind.STRING;
      default -> BasicKind.INVALID;
    };
  }

  private static boolean isNil(GoValue v) {
    return v == null || (v.type().canBeNil() && v.v() == null);
  }

  static boolean eq(GoValue arg1, GoValue[] arg2) throws FuncError {
    arg1 = Exec.indirectInterface(arg1);
    if (arg2.length == 0) {
      throw new FuncError("missing argument for comparison");
    }
    BasicKind k1 = basicKind(arg1);
    for (GoValue raw : arg2) {
      GoValue arg = Exec.indirectInterface(raw);
      BasicKind k2 = basicKind(arg);
      boolean truth = false;
      if (k1 != k2) {
        if (k1 == BasicKind.INT && k2 == BasicKind.UINT) {
          truth = arg1.l() >= 0 && arg1.l() == arg.l();
        } else if (k1 == BasicKind.UINT && k2 == BasicKind.INT) {
          truth = arg.l() >= 0 && arg1.l() == arg.l();
        } else if (arg1 != null && arg != null) {
          throw new FuncError("incompatible types for comparison");
        }
      } else {
        switch (k1) {
          case BOOL -> truth = arg1.b() == arg.b();
          case COMPLEX -> truth = ((double[]) arg1.v())[0] == ((double[]) arg.v())[0]
              && ((double[]) arg1.v())[1] == ((double[]) arg.v())[1];
          case FLOAT -> truth = arg1.f() == arg.f();
          case INT, UINT -> truth = arg1.l() == arg.l();
          case STRING -> truth = arg1.s().equals(arg.s());
          default -> {
            if (arg1 != null && arg != null && arg1.kind() != arg.kind()) {
              throw new FuncError("non-comparable types " + GoFmt.sprintf("%s", List.of(arg1)) + ": "
                  + arg1.type() + ", " + arg.type() + ": " + GoFmt.sprintV(arg));
            }
            if (isNil(arg1) || isNil(arg)) {
              truth = isNil(arg) == isNil(arg1);
            } else {
              if (!comparable(arg.type())) {
                throw new FuncError("non-comparable type " + GoFmt.sprintf("%s", List.of(arg)) + ": " + arg.type());
              }
              truth = arg1.v() == arg.v() || (arg1.type() == GoType.TIME && arg1.v().equals(arg.v()));
            }
          }
        }
      }
      if (truth) {
        return true;
      }
    }
    return false;
  }

  private static boolean comparable(GoType t) {
    return switch (t.kind) {
      case MAP, SLICE -> false;
      case STRUCT -> t.fieldTypes.stream().allMatch(Builtins::comparable);
      default -> true;
    };
  }

  static boolean lt(GoValue arg1, GoValue arg2) throws FuncError {
    arg1 = Exec.indirectInterface(arg1);
    BasicKind k1 = basicKind(arg1);
    if (k1 == BasicKind.INVALID) {
      throw new FuncError("invalid type for comparison");
    }
    arg2 = Exec.indirectInterface(arg2);
    BasicKind k2 = basicKind(arg2);
    if (k2 == BasicKind.INVALID) {
      throw new FuncError("invalid type for comparison");
    }
    if (k1 != k2) {
      if (k1 == BasicKind.INT && k2 == BasicKind.UINT) {
        return arg1.l() < 0 || Long.compareUnsigned(arg1.l(), arg2.l()) < 0;
      } else if (k1 == BasicKind.UINT && k2 == BasicKind.INT) {
        return arg2.l() >= 0 && Long.compareUnsigned(arg1.l(), arg2.l()) < 0;
      }
      throw new FuncError("incompatible types for comparison");
    }
    return switch (k1) {
      case BOOL, COMPLEX -> throw new FuncError("invalid type for comparison");
      case FLOAT -> arg1.f() < arg2.f();
      case INT -> arg1.l() < arg2.l();
      case STRING -> GoFmt.compareBytes(arg1.s(), arg2.s()) < 0;
      case UINT -> Long.compareUnsigned(arg1.l(), arg2.l()) < 0;
      default -> throw new IllegalStateException("BUG: invalid kind");
    };
  }
}
