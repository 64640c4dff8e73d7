package io.strata.promql.template;

import io.strata.promql.template.GoType.Kind;
import io.strata.promql.template.Node.BranchNode;
import io.strata.promql.template.Node.ChainNode;
import io.strata.promql.template.Node.CommandNode;
import io.strata.promql.template.Node.FieldNode;
import io.strata.promql.template.Node.IdentifierNode;
import io.strata.promql.template.Node.NumberNode;
import io.strata.promql.template.Node.PipeNode;
import io.strata.promql.template.Node.VariableNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Go 1.19's {@code text/template} executor ({@code exec.go}) with {@code missingkey=zero}, over
 * {@link GoValue}s: the same evaluation order, argument checks, truth rules and error texts.
 */
final class Exec {
  /** Go's {@code maxExecDepth} on 64-bit platforms. */
  private static final int MAX_EXEC_DEPTH = 100000;

  private static final GoValue MISSING = new GoValue(GoType.IFACE, "missing");

  private static final class BreakSignal extends RuntimeException {
    BreakSignal() {
      super(null, null, false, false);
    }
  }

  private static final class ContinueSignal extends RuntimeException {
    ContinueSignal() {
      super(null, null, false, false);
    }
  }

  private record Variable(String name, GoValue[] value) {}

  private final Map<String, Tree> templates;
  private final Map<String, GoFunc> funcs;
  private final StringBuilder out;
  private Tree tmpl;
  private Node node;
  private List<Variable> vars = new ArrayList<>();
  private int depth;

  private Exec(Map<String, Tree> templates, Map<String, GoFunc> funcs, StringBuilder out) {
    this.templates = templates;
    this.funcs = funcs;
    this.out = out;
  }

  /** Executes template {@code name} with {@code data} as dot; throws {@link ExecException}. */
  static void execute(Map<String, Tree> templates, Map<String, GoFunc> funcs, String name, GoValue data,
      StringBuilder out) {
    Exec s = new Exec(templates, funcs, out);
    s.tmpl = templates.get(name);
    s.vars.add(new Variable("$", new GoValue[] {data}));
    if (s.tmpl == null || s.tmpl.root == null) {
      s.errorf(io.strata.promql.ast.GoFormat.quote(name) + " is an incomplete or empty template");
    }
    s.walk(data, s.tmpl.root);
  }

  // ---- variables ----

  private void push(String name, GoValue value) {
    vars.add(new Variable(name, new GoValue[] {value}));
  }

  private int mark() {
    return vars.size();
  }

  private void pop(int mark) {
    while (vars.size() > mark) {
      vars.remove(vars.size() - 1);
    }
  }

  private void setVar(String name, GoValue value) {
    for (int i = vars.size() - 1; i >= 0; i--) {
      if (vars.get(i).name.equals(name)) {
        vars.get(i).value[0] = value;
        return;
      }
    }
    errorf("undefined variable: " + name);
  }

  private void setTopVar(int n, GoValue value) {
    vars.get(vars.size() - n).value[0] = value;
  }

  private GoValue varValue(String name) {
    for (int i = vars.size() - 1; i >= 0; i--) {
      if (vars.get(i).name.equals(name)) {
        return vars.get(i).value[0];
      }
    }
    errorf("undefined variable: " + name);
    return null;
  }

  // ---- errors ----

  private void at(Node n) {
    node = n;
  }

  ExecException errorf(String msg) {
    String name = tmpl == null ? "" : tmpl.name;
    if (node == null) {
      throw new ExecException("template: " + name + ": " + msg);
    }
    throw new ExecException("template: " + Tree.location(node) + ": executing " + io.strata.promql.ast.GoFormat.quote(name)
        + " at <" + node + ">: " + msg);
  }

  // ---- walking ----

  private void walk(GoValue dot, Node n) {
    at(n);
    if (n instanceof Node.ActionNode a) {
      GoValue val = evalPipeline(dot, a.pipe);
      if (a.pipe.decl.isEmpty()) {
        printValue(a, val);
      }
    } else if (n instanceof Node.BreakNode) {
      throw new BreakSignal();
    } else if (n instanceof Node.ContinueNode) {
      throw new ContinueSignal();
    } else if (n instanceof BranchNode b) {
      switch (b.kind) {
        case "range" -> walkRange(dot, b);
        case "with" -> walkIfOrWith(true, dot, b);
        default -> walkIfOrWith(false, dot, b);
      }
    } else if (n instanceof Node.ListNode l) {
      for (Node c : l.nodes) {
        walk(dot, c);
      }
    } else if (n instanceof Node.TemplateNode t) {
      walkTemplate(dot, t);
    } else if (n instanceof Node.TextNode t) {
      out.append(t.text);
    } else {
      errorf("unknown node: " + n);
    }
  }

  private void walkIfOrWith(boolean with, GoValue dot, BranchNode b) {
    int mark = mark();
    try {
      GoValue val = evalPipeline(dot, b.pipe);
      Boolean truth = isTrue(indirectInterface(val));
      if (truth == null) {
        errorf("if/with can't use " + GoFmt.sprintV(val));
      }
      if (truth) {
        walk(with ? val : dot, b.list);
      } else if (b.elseList != null) {
        walk(dot, b.elseList);
      }
    } finally {
      pop(mark);
    }
  }

  /** Go's isTrue; null when the value has no truth (Go's ok == false). */
  static Boolean isTrue(GoValue val) {
    if (val == null) {
      return false;
    }
    return switch (val.kind()) {
      case MAP, SLICE, STRING -> val.len() > 0;
      case BOOL -> val.b();
      case COMPLEX128 -> ((double[]) val.v())[0] != 0 || ((double[]) val.v())[1] != 0;
      case PTR, INTERFACE -> val.v() != null;
      case INT, INT64, UINT, UINT64 -> val.l() != 0;
      case FLOAT64 -> val.f() != 0;
      case STRUCT -> true;
      case VALUE -> null;
    };
  }

  private void walkRange(GoValue dot, BranchNode r) {
    at(r);
    int outer = mark();
    try {
      GoValue val = indirect(evalPipeline(dot, r.pipe));
      int mark = mark();
      boolean iterated = false;
      if (val != null && (val.kind() == Kind.SLICE)) {
        List<GoValue> list = val.v() == null ? List.of() : val.list();
        for (int i = 0; i < list.size(); i++) {
          iterated = true;
          oneIteration(r, mark, GoValue.integer(i), list.get(i));
        }
      } else if (val != null && val.kind() == Kind.MAP) {
        if (val.v() != null) {
          for (Map.Entry<String, GoValue> e : GoFmt.sortedEntries(val.map())) {
            iterated = true;
            oneIteration(r, mark, GoValue.str(e.getKey()), e.getValue());
          }
        }
      } else if (val == null || (val.kind() == Kind.PTR && val.v() == null)) {
        // An invalid value (nil map, ...) acts like an empty one; a nil pointer stays a pointer in Go and fails below
        if (val != null) {
          errorf("range can't iterate over " + GoFmt.sprintV(val));
        }
      } else {
        errorf("range can't iterate over " + GoFmt.sprintV(val));
      }
      if (!iterated && r.elseList != null) {
        walk(dot, r.elseList);
      }
    } catch (BreakSignal b) {
      // {{break}}: leave the range
    } finally {
      pop(outer);
    }
  }

  private void oneIteration(BranchNode r, int mark, GoValue index, GoValue elem) {
    if (!r.pipe.decl.isEmpty()) {
      setTopVar(1, elem);
    }
    if (r.pipe.decl.size() > 1) {
      setTopVar(2, index);
    }
    try {
      walk(elem, r.list);
    } catch (ContinueSignal c) {
      // {{continue}}: next element
    } finally {
      pop(mark);
    }
  }

  private void walkTemplate(GoValue dot, Node.TemplateNode t) {
    at(t);
    Tree target = templates.get(t.name);
    if (target == null) {
      errorf("template " + io.strata.promql.ast.GoFormat.quote(t.name) + " not defined");
    }
    if (depth == MAX_EXEC_DEPTH) {
      errorf("exceeded maximum template depth (" + MAX_EXEC_DEPTH + ")");
    }
    GoValue newDot = evalPipeline(dot, t.pipe);
    Tree savedTmpl = tmpl;
    List<Variable> savedVars = vars;
    depth++;
    tmpl = target;
    vars = new ArrayList<>();
    vars.add(new Variable("$", new GoValue[] {newDot}));
    try {
      walk(newDot, target.root);
    } finally {
      depth--;
      tmpl = savedTmpl;
      vars = savedVars;
    }
  }

  // ---- evaluation ----

  private GoValue evalPipeline(GoValue dot, PipeNode pipe) {
    if (pipe == null) {
      return null;
    }
    at(pipe);
    GoValue value = MISSING;
    for (CommandNode cmd : pipe.cmds) {
      value = evalCommand(dot, cmd, value);
      if (value != null && value.kind() == Kind.INTERFACE) {
        value = value.elem();
      }
    }
    for (VariableNode variable : pipe.decl) {
      if (pipe.isAssign) {
        setVar(variable.ident[0], value);
      } else {
        push(variable.ident[0], value);
      }
    }
    return value;
  }

  private void notAFunction(List<Node> args, GoValue fin) {
    if ((args != null && args.size() > 1) || fin != MISSING) {
      errorf("can't give argument to non-function " + args.get(0));
    }
  }

  private GoValue evalCommand(GoValue dot, CommandNode cmd, GoValue fin) {
    Node first = cmd.args.get(0);
    if (first instanceof FieldNode f) {
      return evalFieldNode(dot, f, cmd.args, fin);
    } else if (first instanceof ChainNode c) {
      return evalChainNode(dot, c, cmd.args, fin);
    } else if (first instanceof IdentifierNode id) {
      return evalFunction(dot, id, cmd, cmd.args, fin);
    } else if (first instanceof PipeNode p) {
      notAFunction(cmd.args, fin);
      return evalPipeline(dot, p);
    } else if (first instanceof VariableNode v) {
      return evalVariableNode(dot, v, cmd.args, fin);
    }
    at(first);
    notAFunction(cmd.args, fin);
    if (first instanceof Node.BoolNode b) {
      return GoValue.bool(b.value);
    } else if (first instanceof Node.DotNode) {
      return dot;
    } else if (first instanceof Node.NilNode) {
      errorf("nil is not a command");
    } else if (first instanceof NumberNode n) {
      return idealConstant(n);
    } else if (first instanceof Node.StringNode s) {
      return GoValue.str(s.text);
    }
    errorf("can't evaluate command " + io.strata.promql.ast.GoFormat.quote(first.toString()));
    return null;
  }

  private GoValue idealConstant(NumberNode c) {
    at(c);
    if (c.isComplex) {
      return new GoValue(GoType.COMPLEX128, new double[] {c.real, c.imag});
    }
    boolean hexInt = c.text.length() > 2 && c.text.charAt(0) == '0'
        && (c.text.charAt(1) == 'x' || c.text.charAt(1) == 'X') && !c.text.matches(".*[pP].*");
    boolean runeInt = !c.text.isEmpty() && c.text.charAt(0) == '\'';
    if (c.isFloat && !hexInt && !runeInt && c.text.matches(".*[.eEpP].*")) {
      return GoValue.f64(c.float64);
    }
    if (c.isInt) {
      return GoValue.integer(c.int64);
    }
    if (c.isUint) {
      errorf(c.text + " overflows int");
    }
    return null;
  }

  private GoValue evalFieldNode(GoValue dot, FieldNode field, List<Node> args, GoValue fin) {
    at(field);
    return evalFieldChain(dot, dot, field, field.ident, args, fin);
  }

  private GoValue evalChainNode(GoValue dot, ChainNode chain, List<Node> args, GoValue fin) {
    at(chain);
    if (chain.fields.isEmpty()) {
      errorf("internal error: no fields in evalChainNode");
    }
    if (chain.node instanceof Node.NilNode) {
      errorf("indirection through explicit nil in " + chain);
    }
    GoValue pipe = evalArg(dot, null, chain.node);
    return evalFieldChain(dot, pipe, chain, chain.fields.toArray(new String[0]), args, fin);
  }

  private GoValue evalVariableNode(GoValue dot, VariableNode variable, List<Node> args, GoValue fin) {
    at(variable);
    GoValue value = varValue(variable.ident[0]);
    if (variable.ident.length == 1) {
      notAFunction(args, fin);
      return value;
    }
    String[] rest = java.util.Arrays.copyOfRange(variable.ident, 1, variable.ident.length);
    return evalFieldChain(dot, value, variable, rest, args, fin);
  }

  private GoValue evalFieldChain(GoValue dot, GoValue receiver, Node n, String[] ident, List<Node> args,
      GoValue fin) {
    int len = ident.length;
    for (int i = 0; i < len - 1; i++) {
      receiver = evalField(dot, ident[i], n, null, MISSING, receiver);
    }
    return evalField(dot, ident[len - 1], n, args, fin, receiver);
  }

  private GoValue evalFunction(GoValue dot, IdentifierNode n, Node cmd, List<Node> args, GoValue fin) {
    at(n);
    GoFunc fn = funcs.get(n.ident);
    if (fn == null) {
      errorf(io.strata.promql.ast.GoFormat.quote(n.ident) + " is not a defined function");
    }
    return evalCall(dot, fn, Builtins.isShortCircuit(fn), cmd, n.ident, args, fin);
  }

  private GoValue evalField(GoValue dot, String fieldName, Node n, List<Node> args, GoValue fin, GoValue receiver) {
    if (receiver == null) {
      return null;
    }
    GoType typ = receiver.type();
    boolean isNil = false;
    GoValue r = receiver;
    while (r.kind() == Kind.PTR || r.kind() == Kind.INTERFACE) {
      if (r.v() == null) {
        isNil = true;
        break;
      }
      r = r.elem();
    }
    if (r.kind() == Kind.INTERFACE && isNil) {
      errorf("nil pointer evaluating " + typ + "." + fieldName);
    }
    GoFunc method = Methods.find(r, fieldName);
    if (method != null) {
      return evalCall(dot, method, false, n, fieldName, args, fin);
    }
    boolean hasArgs = (args != null && args.size() > 1) || fin != MISSING;
    switch (r.kind()) {
      case STRUCT -> {
        int idx = r.type().fieldIndex(fieldName);
        if (idx >= 0) {
          if (hasArgs) {
            errorf(fieldName + " has arguments but cannot be invoked as function");
          }
          return ((GoValue[]) r.v())[idx];
        }
      }
      case MAP -> {
        if (hasArgs) {
          errorf(fieldName + " is not a method but has arguments");
        }
        GoValue result = r.v() == null ? null : r.map().get(fieldName);
        if (result == null) {
          result = zero(r.type().elem);
        }
        return result;
      }
      case PTR -> {
        GoType etyp = r.type().elem;
        if (etyp.kind == Kind.STRUCT && etyp.fieldIndex(fieldName) < 0) {
          break;
        }
        if (isNil) {
          errorf("nil pointer evaluating " + typ + "." + fieldName);
        }
      }
      default -> {
      }
    }
    errorf("can't evaluate field " + fieldName + " in type " + typ);
    return null;
  }

  /** reflect.Zero(t). */
  static GoValue zero(GoType t) {
    return switch (t.kind) {
      case BOOL -> new GoValue(t, false);
      case INT, INT64, UINT, UINT64 -> new GoValue(t, 0L);
      case FLOAT64 -> new GoValue(t, 0.0);
      case COMPLEX128 -> new GoValue(t, new double[2]);
      case STRING -> new GoValue(t, "");
      case MAP, SLICE, PTR, INTERFACE -> new GoValue(t, null);
      case VALUE -> null;
      case STRUCT -> throw new IllegalStateException("BUG: zero struct " + t);
    };
  }

  private GoValue evalCall(GoValue dot, GoFunc fn, boolean shortCircuit, Node n, String name, List<Node> args,
      GoValue fin) {
    List<Node> a = args == null ? List.of() : args.subList(1, args.size());
    GoType[] in = fn.in();
    int numIn = a.size() + (fin != MISSING ? 1 : 0);
    int numFixed = a.size();
    if (fn.variadic()) {
      numFixed = in.length - 1;
      if (numIn < numFixed) {
        errorf("wrong number of args for " + name + ": want at least " + (in.length - 1) + " got " + a.size());
      }
    } else if (numIn != in.length) {
      errorf("wrong number of args for " + name + ": want " + in.length + " got " + numIn);
    }
    if (shortCircuit) {
      boolean or = name.equals("or");
      GoValue v = null;
      for (Node arg : a) {
        v = evalArg(dot, GoType.VALUE, arg);
        if (truth(v) == or) {
          return v;
        }
      }
      if (fin != MISSING) {
        v = validateType(fin, GoType.VALUE);
      }
      return v;
    }
    GoValue[] argv = new GoValue[numIn];
    int i = 0;
    for (; i < numFixed && i < a.size(); i++) {
      argv[i] = evalArg(dot, in[i], a.get(i));
    }
    if (fn.variadic()) {
      GoType argType = in[in.length - 1];
      for (; i < a.size(); i++) {
        argv[i] = evalArg(dot, argType, a.get(i));
      }
    }
    if (fin != MISSING) {
      GoType t = in[in.length - 1];
      if (fn.variadic() && numIn - 1 < numFixed) {
        t = in[numIn - 1];
      }
      argv[i] = validateType(fin, t);
    }
    try {
      return fn.impl().call(argv);
    } catch (GoFunc.FuncError e) {
      at(n);
      errorf("error calling " + name + ": " + e.getMessage());
      return null;
    }
  }

  static boolean truth(GoValue v) {
    Boolean t = isTrue(indirectInterface(v));
    return t != null && t;
  }

  private GoValue validateType(GoValue value, GoType typ) {
    if (value == null) {
      if (typ == null || typ == GoType.VALUE) {
        return null;
      }
      if (typ.canBeNil()) {
        return zero(typ);
      }
      errorf("invalid value; expected " + typ);
    }
    if (typ == GoType.VALUE || typ == null) {
      return value;
    }
    if (!value.type().assignableTo(typ)) {
      if (value.kind() == Kind.INTERFACE && value.v() != null) {
        GoValue e = value.elem();
        if (e.type().assignableTo(typ)) {
          return e;
        }
        value = e;
      }
      if (value.kind() == Kind.PTR && value.type().elem.assignableTo(typ)) {
        value = value.elem();
        if (value == null) {
          errorf("dereference of nil pointer of type " + typ);
        }
      } else {
        errorf("wrong type for value; expected " + typ + "; got " + value.type());
      }
    }
    return value;
  }

  private GoValue evalArg(GoValue dot, GoType typ, Node n) {
    at(n);
    if (n instanceof Node.DotNode) {
      return validateType(dot, typ);
    } else if (n instanceof Node.NilNode) {
      if (typ == null || typ.canBeNil()) {
        return typ == null || typ == GoType.VALUE ? null : zero(typ);
      }
      errorf("cannot assign nil to " + typ);
    } else if (n instanceof FieldNode f) {
      return validateType(evalFieldNode(dot, f, List.of(n), MISSING), typ);
    } else if (n instanceof VariableNode v) {
      return validateType(evalVariableNode(dot, v, null, MISSING), typ);
    } else if (n instanceof PipeNode p) {
      return validateType(evalPipeline(dot, p), typ);
    } else if (n instanceof IdentifierNode id) {
      return validateType(evalFunction(dot, id, id, null, MISSING), typ);
    } else if (n instanceof ChainNode c) {
      return validateType(evalChainNode(dot, c, null, MISSING), typ);
    }
    if (typ == null) {
      // Go passes a nil reflect.Type only for a chain's receiver, which is never a literal here
      return evalEmptyInterface(dot, n);
    }
    switch (typ.kind) {
      case BOOL -> {
        if (n instanceof Node.BoolNode b) {
          return new GoValue(typ, b.value);
        }
        errorf("expected bool; found " + n);
      }
      case COMPLEX128 -> {
        if (n instanceof NumberNode num && num.isComplex) {
          return new GoValue(typ, new double[] {num.real, num.imag});
        }
        errorf("expected complex; found " + n);
      }
      case FLOAT64 -> {
        if (n instanceof NumberNode num && num.isFloat) {
          return new GoValue(typ, num.float64);
        }
        errorf("expected float; found " + n);
      }
      case INT, INT64 -> {
        if (n instanceof NumberNode num && num.isInt) {
          return new GoValue(typ, num.int64);
        }
        errorf("expected integer; found " + n);
      }
      case INTERFACE, VALUE -> {
        return evalEmptyInterface(dot, n);
      }
      case STRING -> {
        if (n instanceof Node.StringNode s) {
          return new GoValue(typ, s.text);
        }
        errorf("expected string; found " + n);
      }
      case UINT, UINT64 -> {
        if (n instanceof NumberNode num && num.isUint) {
          return new GoValue(typ, num.uint64);
        }
        errorf("expected unsigned integer; found " + n);
      }
      default -> {
      }
    }
    errorf("can't handle " + n + " for arg of type " + typ);
    return null;
  }

  private GoValue evalEmptyInterface(GoValue dot, Node n) {
    at(n);
    if (n instanceof Node.BoolNode b) {
      return GoValue.bool(b.value);
    } else if (n instanceof Node.DotNode) {
      return dot;
    } else if (n instanceof FieldNode f) {
      return evalFieldNode(dot, f, null, MISSING);
    } else if (n instanceof IdentifierNode id) {
      return evalFunction(dot, id, id, null, MISSING);
    } else if (n instanceof Node.NilNode) {
      errorf("evalEmptyInterface: nil (can't happen)");
    } else if (n instanceof NumberNode num) {
      return idealConstant(num);
    } else if (n instanceof Node.StringNode s) {
      return GoValue.str(s.text);
    } else if (n instanceof VariableNode v) {
      return evalVariableNode(dot, v, null, MISSING);
    } else if (n instanceof PipeNode p) {
      return evalPipeline(dot, p);
    }
    errorf("can't handle assignment of " + n + " to empty interface argument");
    return null;
  }

  /** Go's indirect: through pointers and interfaces down to a nil one or a non-pointer value. */
  static GoValue indirect(GoValue v) {
    while (v != null && (v.kind() == Kind.PTR || v.kind() == Kind.INTERFACE)) {
      if (v.v() == null) {
        return v;
      }
      v = v.elem();
    }
    return v;
  }

  static GoValue indirectInterface(GoValue v) {
    if (v == null || v.kind() != Kind.INTERFACE) {
      return v;
    }
    return v.v() == null ? null : v.elem();
  }

  private void printValue(Node n, GoValue v) {
    at(n);
    out.append(GoFmt.printValue(v));
  }
}
