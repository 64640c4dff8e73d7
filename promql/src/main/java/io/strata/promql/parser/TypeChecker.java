package io.strata.promql.parser;

import io.strata.promql.ast.AggregateExpr;
import io.strata.promql.ast.AggregateOp;
import io.strata.promql.ast.BinaryExpr;
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
import io.strata.promql.ast.VectorSelector;

/** Prometheus's static type checks ({@code checkAST}), in its order, reporting the first error. */
final class TypeChecker {
  private final Parser parser;

  TypeChecker(Parser parser) {
    this.parser = parser;
  }

  private PromQLParseException error(Expr e, String msg) {
    return parser.error(parser.start(e), msg);
  }

  ValueType check(Expr e) {
    if (e instanceof ParenExpr p) {
      check(p.expr());
    } else if (e instanceof UnaryExpr u) {
      ValueType t = check(u.expr());
      if (t != ValueType.SCALAR && t != ValueType.VECTOR) {
        throw error(e, "unary expression only allowed on expressions of type scalar or instant vector, got \""
            + t.documentedName() + "\"");
      }
    } else if (e instanceof SubqueryExpr s) {
      ValueType t = check(s.expr());
      if (t != ValueType.VECTOR) {
        throw error(e, "subquery is only allowed on instant vector, got " + t.internalName() + " instead");
      }
    } else if (e instanceof MatrixSelector m) {
      check(m.selector());
    } else if (e instanceof Call c) {
      checkCall(c);
    } else if (e instanceof AggregateExpr a) {
      expectType(a.expr(), ValueType.VECTOR, "aggregation expression");
      if (a.op() == AggregateOp.TOPK || a.op() == AggregateOp.BOTTOMK || a.op() == AggregateOp.QUANTILE) {
        expectType(a.param(), ValueType.SCALAR, "aggregation parameter");
      }
      if (a.op() == AggregateOp.COUNT_VALUES) {
        expectType(a.param(), ValueType.STRING, "aggregation parameter");
      }
    } else if (e instanceof BinaryExpr b) {
      check(b.lhs());
      check(b.rhs());
      String err = parser.deferredError(b);
      if (err != null) {
        int sep = err.indexOf('\u0000');
        throw parser.error(Integer.parseInt(err.substring(0, sep)), err.substring(sep + 1));
      }
    } else if (!(e instanceof VectorSelector || e instanceof NumberLiteral || e instanceof StringLiteral)) {
      throw new IllegalStateException("BUG: unknown node " + e.getClass());
    }
    return e.type();
  }

  private void checkCall(Call c) {
    Function f = c.function();
    int nargs = f.argTypes().size();
    int got = c.args().size();
    String name = GoFormat.quote(f.name());
    if (f.variadic() == 0) {
      if (nargs != got) {
        throw error(c, "expected " + nargs + " argument(s) in call to " + name + ", got " + got);
      }
    } else {
      int na = nargs - 1;
      if (na > got) {
        throw error(c, "expected at least " + na + " argument(s) in call to " + name + ", got " + got);
      }
      int max = na + f.variadic();
      if (f.variadic() > 0 && max < got) {
        throw error(c, "expected at most " + max + " argument(s) in call to " + name + ", got " + got);
      }
    }
    for (int k = 0; k < got; k++) {
      int idx = k;
      if (idx >= nargs) {
        if (f.variadic() == 0) {
          break;
        }
        idx = nargs - 1;
      }
      expectType(c.args().get(k), f.argTypes().get(idx), "call to function " + name);
    }
  }

  private void expectType(Expr e, ValueType want, String context) {
    ValueType t = check(e);
    if (t != want) {
      throw error(e, "expected type " + want.documentedName() + " in " + context + ", got " + t.documentedName());
    }
  }
}
