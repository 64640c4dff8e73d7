package io.strata.promql.parser;

import io.strata.promql.Durations;
import io.strata.promql.ast.AggregateExpr;
import io.strata.promql.ast.AggregateOp;
import io.strata.promql.ast.AtModifier;
import io.strata.promql.ast.BinaryExpr;
import io.strata.promql.ast.BinaryOp;
import io.strata.promql.ast.Call;
import io.strata.promql.ast.Expr;
import io.strata.promql.ast.Function;
import io.strata.promql.ast.GoFormat;
import io.strata.promql.ast.MatrixSelector;
import io.strata.promql.ast.NumberLiteral;
import io.strata.promql.ast.ParenExpr;
import io.strata.promql.ast.StringLiteral;
import io.strata.promql.ast.SubqueryExpr;
import io.strata.promql.ast.UnaryExpr;
import io.strata.promql.ast.ValueType;
import io.strata.promql.ast.VectorMatching;
import io.strata.promql.ast.VectorSelector;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.schemas.prom.GoRegex;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recursive-descent PromQL parser with Prometheus 2.x precedence, followed by a type-check pass with
 * Prometheus's messages. Use {@link io.strata.promql.PromQL#parse(String)}.
 */
public final class Parser {
  private final String query;
  private final List<Token> tokens;
  private int i;
  /** Start offset of every node, for error positions. */
  private final Map<Expr, Integer> starts = new IdentityHashMap<>();
  /** Semantic errors found while building a node, reported by the type check in Prometheus's order. */
  private final Map<Expr, String> deferred = new IdentityHashMap<>();

  private Parser(String query) {
    this.query = query;
    this.tokens = Lexer.lex(query);
  }

  /**
   * The deepest expression accepted: nested parentheses, calls and aggregations, and chains of binary
   * operators ({@code a+b+c} nests to the left) each count a level. Prometheus has no such limit; this one
   * keeps parsing and evaluation within the stack the query server gives its threads (a depth of 10,000
   * needs about 8 MB). Deeper expressions get a parse error instead of a StackOverflowError.
   */
  public static final int MAX_DEPTH = 10_000;

  private int depth;

  /** Parses and type-checks a PromQL expression. */
  public static Expr parse(String query) {
    Parser p = new Parser(query);
    if (p.peek().type() == TokenType.EOF) {
      throw p.error(0, "no expression found in input");
    }
    try {
      Expr e = p.parseExpr(0);
      Token t = p.peek();
      if (t.type() != TokenType.EOF) {
        throw p.unexpected(t, null, null);
      }
      p.checkDepth(e);
      new TypeChecker(p).check(e);
      return e;
    } catch (StackOverflowError e) {
      // a thread with a small stack (the query server's threads have room for MAX_DEPTH)
      throw p.error(0, "expression nesting too deep for this thread's stack");
    }
  }

  private PromQLParseException tooDeep(int pos) {
    return error(pos, "expression nesting too deep (max " + MAX_DEPTH + ")");
  }

  /** Refuses a tree deeper than {@link #MAX_DEPTH}, walking it without recursion (binary chains parse iteratively). */
  private void checkDepth(Expr root) {
    ArrayDeque<Expr> nodes = new ArrayDeque<>();
    ArrayDeque<Integer> depths = new ArrayDeque<>();
    nodes.push(root);
    depths.push(1);
    while (!nodes.isEmpty()) {
      Expr e = nodes.pop();
      int d = depths.pop();
      if (d > MAX_DEPTH) {
        throw tooDeep(start(e));
      }
      for (Expr c : children(e)) {
        nodes.push(c);
        depths.push(d + 1);
      }
    }
  }

  private static List<Expr> children(Expr e) {
    if (e instanceof BinaryExpr b) {
      return List.of(b.lhs(), b.rhs());
    } else if (e instanceof ParenExpr p) {
      return List.of(p.expr());
    } else if (e instanceof UnaryExpr u) {
      return List.of(u.expr());
    } else if (e instanceof Call c) {
      return c.args();
    } else if (e instanceof AggregateExpr a) {
      return a.param() == null ? List.of(a.expr()) : List.of(a.param(), a.expr());
    } else if (e instanceof SubqueryExpr s) {
      return List.of(s.expr());
    } else if (e instanceof MatrixSelector m) {
      return List.of(m.selector());
    }
    return List.of();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  String query() {
    return query;
  }

  int start(Expr e) {
    Integer s = starts.get(e);
    return s == null ? 0 : s;
  }

  String deferredError(Expr e) {
    return deferred.get(e);
  }

  PromQLParseException error(int pos, String msg) {
    return new PromQLParseException(query, pos, msg);
  }

  private PromQLParseException unexpected(Token t, String context, String expected) {
    StringBuilder sb = new StringBuilder("unexpected ").append(t.describe());
    if (context != null) {
      sb.append(" in ").append(context);
    }
    if (expected != null) {
      sb.append(", expected ").append(expected);
    }
    return error(t.pos(), sb.toString());
  }

  private Token peek() {
    return tokens.get(i);
  }

  private Token peek(int ahead) {
    return tokens.get(Math.min(i + ahead, tokens.size() - 1));
  }

  private Token next() {
    Token t = tokens.get(i);
    if (t.type() != TokenType.EOF) {
      i++;
    }
    return t;
  }

  private Token expect(TokenType type, String context, String expected) {
    Token t = next();
    if (t.type() != type) {
      throw unexpected(t, context, expected);
    }
    return t;
  }

  private <E extends Expr> E at(E e, int pos) {
    starts.put(e, pos);
    return e;
  }

  // ---- expressions ------------------------------------------------------------------------------

  private static BinaryOp binaryOp(TokenType t) {
    return switch (t) {
      case LOR -> BinaryOp.OR;
      case LAND -> BinaryOp.AND;
      case LUNLESS -> BinaryOp.UNLESS;
      case EQLC -> BinaryOp.EQLC;
      case NEQ -> BinaryOp.NEQ;
      case LTE -> BinaryOp.LTE;
      case LSS -> BinaryOp.LSS;
      case GTE -> BinaryOp.GTE;
      case GTR -> BinaryOp.GTR;
      case ADD -> BinaryOp.ADD;
      case SUB -> BinaryOp.SUB;
      case MUL -> BinaryOp.MUL;
      case DIV -> BinaryOp.DIV;
      case MOD -> BinaryOp.MOD;
      case ATAN2 -> BinaryOp.ATAN2;
      case POW -> BinaryOp.POW;
      default -> null;
    };
  }

  private Expr parseExpr(int minPrec) {
    if (++depth > MAX_DEPTH) {
      throw tooDeep(peek().pos());
    }
    try {
      return parseBinary(minPrec);
    } finally {
      depth--;
    }
  }

  private Expr parseBinary(int minPrec) {
    Expr lhs = parseUnary();
    int chain = 0;
    while (true) {
      Token opTok = peek();
      BinaryOp op = binaryOp(opTok.type());
      if (op == null || op.precedence() < minPrec) {
        return lhs;
      }
      if (depth + ++chain > MAX_DEPTH) {
        throw tooDeep(opTok.pos()); // the tree grows a level per operator: stop before the work does
      }
      next();
      boolean returnBool = false;
      if (peek().type() == TokenType.BOOL) {
        next();
        returnBool = true;
      }
      VectorMatching.Cardinality card = VectorMatching.Cardinality.ONE_TO_ONE;
      List<String> matching = List.of();
      List<String> include = List.of();
      boolean on = false;
      boolean explicitMatching = false;
      if (peek().type() == TokenType.ON || peek().type() == TokenType.IGNORING) {
        on = next().type() == TokenType.ON;
        explicitMatching = true;
        matching = parseLabelList();
        if (peek().type() == TokenType.GROUP_LEFT || peek().type() == TokenType.GROUP_RIGHT) {
          card = next().type() == TokenType.GROUP_LEFT
              ? VectorMatching.Cardinality.MANY_TO_ONE
              : VectorMatching.Cardinality.ONE_TO_MANY;
          if (peek().type() == TokenType.LEFT_PAREN) {
            include = parseLabelList();
          }
        }
      }
      int nextMin = op.rightAssociative() ? op.precedence() : op.precedence() + 1;
      Expr rhs = parseExpr(nextMin);
      lhs = newBinary(op, lhs, rhs, returnBool, new VectorMatching(card, matching, on, include), explicitMatching, opTok.pos());
    }
  }

  private Expr newBinary(BinaryOp op, Expr lhs, Expr rhs, boolean returnBool, VectorMatching vm, boolean explicit,
      int opPos) {
    ValueType lt = lhs.type();
    ValueType rt = rhs.type();
    String err = null;
    int errPos = opPos;
    if (returnBool && !op.isComparison()) {
      err = "bool modifier can only be used on comparison operators";
    } else if (op.isComparison() && !returnBool && lt == ValueType.SCALAR && rt == ValueType.SCALAR) {
      err = "comparisons between scalars must use BOOL modifier";
    }
    if (op.isSetOperator() && vm.card() == VectorMatching.Cardinality.ONE_TO_ONE) {
      vm = vm.withCard(VectorMatching.Cardinality.MANY_TO_MANY);
    }
    if (err == null && vm.on()) {
      for (String l : vm.matchingLabels()) {
        if (vm.include().contains(l)) {
          err = "label " + GoFormat.quote(l) + " must not occur in ON and GROUP clause at once";
          break;
        }
      }
    }
    boolean lOk = lt == ValueType.SCALAR || lt == ValueType.VECTOR;
    boolean rOk = rt == ValueType.SCALAR || rt == ValueType.VECTOR;
    if (err == null && (!lOk || !rOk)) {
      err = "binary expression must contain only scalar and instant vector types";
      errPos = lOk ? start(rhs) : start(lhs);
    }
    VectorMatching finalVm = vm;
    if (lt != ValueType.VECTOR || rt != ValueType.VECTOR) {
      if (err == null && !vm.matchingLabels().isEmpty()) {
        err = "vector matching only allowed between instant vectors";
        errPos = start(lhs);
      }
      finalVm = null;
    } else if (op.isSetOperator() && err == null) {
      if (vm.card() == VectorMatching.Cardinality.ONE_TO_MANY || vm.card() == VectorMatching.Cardinality.MANY_TO_ONE) {
        err = "no grouping allowed for \"" + op.symbol() + "\" operation";
        errPos = start(lhs);
      }
    }
    if (err == null && (lt == ValueType.SCALAR || rt == ValueType.SCALAR) && op.isSetOperator()) {
      err = "set operator \"" + op.symbol() + "\" not allowed in binary scalar expression";
      errPos = start(lhs);
    }
    BinaryExpr b = at(new BinaryExpr(op, lhs, rhs, finalVm, returnBool), start(lhs));
    if (err != null) {
      deferred.put(b, errPos + "\u0000" + err);
    }
    return b;
  }

  private Expr parseUnary() {
    Token t = peek();
    if (t.type() == TokenType.SUB || t.type() == TokenType.ADD) {
      next();
      // unary minus binds like multiplication: looser than ^, tighter than * / % atan2
      Expr operand = parseExpr(BinaryOp.POW.precedence());
      if (operand instanceof NumberLiteral n) {
        return at(new NumberLiteral(t.type() == TokenType.SUB ? -n.value() : n.value()), t.pos());
      }
      return at(new UnaryExpr(t.type() == TokenType.SUB, operand), t.pos());
    }
    return parsePostfix(parsePrimary());
  }

  private Expr parsePrimary() {
    Token t = next();
    switch (t.type()) {
      case NUMBER:
        return at(new NumberLiteral(parseNumber(t)), t.pos());
      case STRING:
        return at(new StringLiteral(Lexer.unquote(t.text())), t.pos());
      case LEFT_PAREN: {
        Expr inner = parseExpr(0);
        expect(TokenType.RIGHT_PAREN, "paren expression", "\")\"");
        return at(new ParenExpr(inner), t.pos());
      }
      case LEFT_BRACE:
        return parseSelector("", t.pos(), true);
      case IDENTIFIER:
        if (peek().type() == TokenType.LEFT_PAREN) {
          return parseCall(t);
        }
        return parseSelector(t.text(), t.pos(), false);
      case METRIC_IDENTIFIER:
        return parseSelector(t.text(), t.pos(), false);
      case AGGREGATOR: {
        TokenType n = peek().type();
        if (n == TokenType.LEFT_PAREN || n == TokenType.BY || n == TokenType.WITHOUT) {
          return parseAggregation(t);
        }
        return parseSelector(t.text(), t.pos(), false);
      }
      default:
        throw unexpected(t, null, null);
    }
  }

  private double parseNumber(Token t) {
    String s = t.text();
    String lower = s.toLowerCase();
    if (lower.equals("inf")) {
      return Double.POSITIVE_INFINITY;
    }
    if (lower.equals("nan")) {
      return Double.NaN;
    }
    try {
      // Go's strconv.ParseInt(s, 0, 64) first: hex with 0x, octal with a leading 0
      if (lower.startsWith("0x")) {
        return Long.parseLong(s.substring(2), 16);
      }
      if (s.length() > 1 && s.charAt(0) == '0' && s.chars().allMatch(c -> c >= '0' && c <= '7')) {
        return Long.parseLong(s.substring(1), 8);
      }
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw error(t.pos(), "error parsing number: strconv.ParseFloat: parsing " + GoFormat.quote(s) + ": invalid syntax");
    }
  }

  // ---- selectors ---------------------------------------------------------------------------------

  private Expr parseSelector(String name, int pos, boolean braceConsumed) {
    List<LabelMatcher> matchers = new ArrayList<>();
    if (braceConsumed || peek().type() == TokenType.LEFT_BRACE) {
      if (!braceConsumed) {
        next();
      }
      parseMatchers(matchers);
    }
    String nameErr = null;
    if (!name.isEmpty()) {
      for (LabelMatcher m : matchers) {
        if (m.name().equals(Labels.METRIC_NAME)) {
          nameErr = "metric name must not be set twice: " + GoFormat.quote(name) + " or " + GoFormat.quote(m.value());
          break;
        }
      }
      matchers.add(LabelMatcher.eq(Labels.METRIC_NAME, name));
    } else {
      boolean nonEmpty = false;
      for (LabelMatcher m : matchers) {
        if (!m.matchesEmpty()) {
          nonEmpty = true;
          break;
        }
      }
      if (!nonEmpty) {
        nameErr = "vector selector must contain at least one non-empty matcher";
      }
    }
    if (nameErr != null) {
      throw error(pos, nameErr);
    }
    return at(new VectorSelector(name, matchers, 0, null), pos);
  }

  private void parseMatchers(List<LabelMatcher> out) {
    while (true) {
      Token t = next();
      if (t.type() == TokenType.RIGHT_BRACE) {
        return;
      }
      if (t.type() != TokenType.IDENTIFIER) {
        throw unexpected(t, "label matching", "identifier or \"}\"");
      }
      Token op = next();
      LabelMatcher.Type type = switch (op.type()) {
        case EQL -> LabelMatcher.Type.EQ;
        case NEQ -> LabelMatcher.Type.NEQ;
        case EQL_REGEX -> LabelMatcher.Type.RE;
        case NEQ_REGEX -> LabelMatcher.Type.NRE;
        default -> throw unexpected(op, "label matching", "label matching operator");
      };
      Token v = next();
      if (v.type() != TokenType.STRING) {
        throw unexpected(v, "label matching", "string");
      }
      try {
        out.add(LabelMatcher.of(type, t.text(), Lexer.unquote(v.text())));
      } catch (GoRegex.SyntaxException e) {
        throw error(t.pos(), e.getMessage());
      }
      Token sep = next();
      if (sep.type() == TokenType.RIGHT_BRACE) {
        return;
      }
      if (sep.type() != TokenType.COMMA) {
        throw unexpected(sep, "label matching", "\",\" or \"}\"");
      }
    }
  }

  private Expr parsePostfix(Expr e) {
    while (true) {
      Token t = peek();
      if (t.type() == TokenType.LEFT_BRACKET) {
        next();
        e = parseRangeOrSubquery(e, t);
      } else if (t.type() == TokenType.OFFSET) {
        next();
        boolean neg = false;
        if (peek().type() == TokenType.SUB) {
          next();
          neg = true;
        }
        Token d = expect(TokenType.DURATION, "offset", "duration");
        long off = parseDuration(d);
        e = applyOffset(e, neg ? -off : off);
      } else if (t.type() == TokenType.AT) {
        next();
        e = applyAt(e, parseAtValue(start(e)));
      } else {
        return e;
      }
    }
  }

  private AtModifier parseAtValue(int nodePos) {
    Token t = next();
    if (t.type() == TokenType.START || t.type() == TokenType.END) {
      expect(TokenType.LEFT_PAREN, "@", "\"(\"");
      expect(TokenType.RIGHT_PAREN, "@", "\")\"");
      return t.type() == TokenType.START ? AtModifier.START : AtModifier.END;
    }
    double sign = 1;
    Token num = t;
    if (t.type() == TokenType.SUB || t.type() == TokenType.ADD) {
      sign = t.type() == TokenType.SUB ? -1 : 1;
      num = next();
    }
    if (num.type() != TokenType.NUMBER) {
      throw unexpected(num, "@", "timestamp");
    }
    double ts = sign * parseNumber(num);
    if (Double.isNaN(ts) || Double.isInfinite(ts) || ts >= 9.223372036854776E18 || ts <= -9.223372036854776E18) {
      throw error(nodePos, "timestamp out of bounds for @ modifier: "
          + (Double.isNaN(ts) ? "NaN" : Double.isInfinite(ts) ? (ts > 0 ? "+Inf" : "-Inf") : String.format("%f", ts)));
    }
    return AtModifier.at(Math.round(ts * 1000.0));
  }

  private long parseDuration(Token d) {
    try {
      long ms = Durations.parse(d.text());
      if (ms == 0) {
        throw error(d.pos(), "duration must be greater than 0");
      }
      return ms;
    } catch (IllegalArgumentException e) {
      throw error(d.pos(), e.getMessage());
    }
  }

  private Expr parseRangeOrSubquery(Expr e, Token bracket) {
    Token d = expect(TokenType.DURATION, "range", "duration");
    long range = parseDuration(d);
    if (peek().type() == TokenType.COLON) {
      next();
      long step = 0;
      if (peek().type() == TokenType.DURATION) {
        step = parseDuration(next());
      }
      expect(TokenType.RIGHT_BRACKET, "subquery selector", "\"]\"");
      return at(new SubqueryExpr(e, range, step, 0, null), start(e));
    }
    expect(TokenType.RIGHT_BRACKET, "range", "\"]\"");
    if (!(e instanceof VectorSelector vs)) {
      throw error(bracket.pos(), "ranges only allowed for vector selectors");
    }
    if (vs.offsetMs() != 0) {
      throw error(bracket.pos(), "no offset modifiers allowed before range");
    }
    if (vs.at() != null) {
      throw error(bracket.pos(), "no @ modifiers allowed before range");
    }
    return at(new MatrixSelector(vs, range), start(e));
  }

  private Expr applyOffset(Expr e, long offset) {
    int pos = start(e);
    long existing;
    Expr result;
    if (e instanceof VectorSelector vs) {
      existing = vs.offsetMs();
      result = vs.withOffset(offset);
    } else if (e instanceof MatrixSelector ms) {
      existing = ms.selector().offsetMs();
      result = ms.withSelector(ms.selector().withOffset(offset));
    } else if (e instanceof SubqueryExpr sq) {
      existing = sq.offsetMs();
      result = sq.withOffset(offset);
    } else {
      throw error(pos, "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
    }
    if (existing != 0) {
      throw error(pos, "offset may not be set multiple times");
    }
    return at(result, pos);
  }

  private Expr applyAt(Expr e, AtModifier atm) {
    int pos = start(e);
    AtModifier existing;
    Expr result;
    if (e instanceof VectorSelector vs) {
      existing = vs.at();
      result = vs.withAt(atm);
    } else if (e instanceof MatrixSelector ms) {
      existing = ms.selector().at();
      result = ms.withSelector(ms.selector().withAt(atm));
    } else if (e instanceof SubqueryExpr sq) {
      existing = sq.at();
      result = sq.withAt(atm);
    } else {
      throw error(pos, "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
    }
    if (existing != null) {
      throw error(pos, "@ <timestamp> may not be set multiple times");
    }
    return at(result, pos);
  }

  // ---- calls and aggregations -----------------------------------------------------------------------

  private Expr parseCall(Token name) {
    Function f = Function.byName(name.text());
    if (f == null) {
      throw error(name.pos(), "unknown function with name " + GoFormat.quote(name.text()));
    }
    List<Expr> args = parseArgs("function call");
    return at(new Call(f, args), name.pos());
  }

  private List<Expr> parseArgs(String context) {
    expect(TokenType.LEFT_PAREN, context, "\"(\"");
    List<Expr> args = new ArrayList<>();
    if (peek().type() == TokenType.RIGHT_PAREN) {
      next();
      return args;
    }
    while (true) {
      args.add(parseExpr(0));
      Token t = next();
      if (t.type() == TokenType.RIGHT_PAREN) {
        return args;
      }
      if (t.type() != TokenType.COMMA) {
        throw unexpected(t, context, "\",\" or \")\"");
      }
      if (peek().type() == TokenType.RIGHT_PAREN) {
        throw error(t.pos(), "trailing commas not allowed in function call args");
      }
    }
  }

  private Expr parseAggregation(Token opTok) {
    AggregateOp op = AggregateOp.fromKeyword(opTok.text());
    List<String> grouping = List.of();
    boolean without = false;
    boolean modifierSeen = false;
    if (peek().type() == TokenType.BY || peek().type() == TokenType.WITHOUT) {
      without = next().type() == TokenType.WITHOUT;
      grouping = parseLabelList();
      modifierSeen = true;
    }
    List<Expr> args = parseArgs("aggregation");
    if (!modifierSeen && (peek().type() == TokenType.BY || peek().type() == TokenType.WITHOUT)) {
      without = next().type() == TokenType.WITHOUT;
      grouping = parseLabelList();
    }
    if (args.isEmpty()) {
      throw error(opTok.pos(), "no arguments for aggregate expression provided");
    }
    int desired = op.hasParam() ? 2 : 1;
    if (args.size() != desired) {
      throw error(opTok.pos(), "wrong number of arguments for aggregate expression provided, expected " + desired
          + ", got " + args.size());
    }
    Expr param = op.hasParam() ? args.get(0) : null;
    Expr body = args.get(args.size() - 1);
    return at(new AggregateExpr(op, body, param, grouping, without), opTok.pos());
  }

  private List<String> parseLabelList() {
    expect(TokenType.LEFT_PAREN, "grouping opts", "\"(\"");
    List<String> labels = new ArrayList<>();
    while (true) {
      Token t = next();
      if (t.type() == TokenType.RIGHT_PAREN) {
        return labels;
      }
      boolean word = t.type() == TokenType.IDENTIFIER || t.type() == TokenType.METRIC_IDENTIFIER
          || t.type() == TokenType.AGGREGATOR || t.type().isKeyword() || t.type() == TokenType.LAND
          || t.type() == TokenType.LOR || t.type() == TokenType.LUNLESS || t.type() == TokenType.ATAN2;
      if (!word || !Labels.isValidName(t.text())) {
        throw unexpected(t, "grouping opts", "label");
      }
      labels.add(t.text());
      Token sep = next();
      if (sep.type() == TokenType.RIGHT_PAREN) {
        return labels;
      }
      if (sep.type() != TokenType.COMMA) {
        throw unexpected(sep, "grouping opts", "\",\" or \")\"");
      }
    }
  }
}
