package io.strata.promql.template;

import io.strata.promql.template.Lexer.Item;
import io.strata.promql.template.Lexer.T;
import io.strata.promql.template.Node.BranchNode;
import io.strata.promql.template.Node.CommandNode;
import io.strata.promql.template.Node.ListNode;
import io.strata.promql.template.Node.PipeNode;
import io.strata.promql.template.Node.VariableNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Go 1.19's {@code text/template/parse} parser, token for token (three-token look-ahead, the same
 * error texts and line numbers). One instance per tree, as Go's {@code Tree} holds its parse state.
 */
final class Parser {
  private final Tree t;
  private final Predicate<String> hasFunction;
  private final Lexer lex;
  private final Map<String, Tree> treeSet;
  private final Item[] token = new Item[3];
  private int peekCount;
  private List<String> vars = new ArrayList<>(List.of("$"));
  private int actionLine;
  private int rangeDepth;

  private Parser(Tree t, Predicate<String> hasFunction, Lexer lex, Map<String, Tree> treeSet) {
    this.t = t;
    this.hasFunction = hasFunction;
    this.lex = lex;
    this.treeSet = treeSet;
  }

  /** Parses {@code text} as template {@code name}; the result maps each defined name to its tree. */
  static Map<String, Tree> parse(String name, String text, Predicate<String> hasFunction) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Map<String, Tree> treeSet = new LinkedHashMap<>();
    Lexer lex = new Lexer(bytes, !hasFunction.test("break"), !hasFunction.test("continue"));
    Parser p = new Parser(new Tree(name, name, bytes), hasFunction, lex, treeSet);
    p.parseTop();
    p.add();
    return treeSet;
  }

  // ---- token handling ----

  private Item next() {
    if (peekCount > 0) {
      peekCount--;
    } else {
      token[0] = lex.nextItem();
    }
    return token[peekCount];
  }

  private void backup() {
    peekCount++;
  }

  private void backup2(Item t1) {
    token[1] = t1;
    peekCount = 2;
  }

  private void backup3(Item t2, Item t1) {
    token[1] = t1;
    token[2] = t2;
    peekCount = 3;
  }

  private Item peek() {
    if (peekCount > 0) {
      return token[peekCount - 1];
    }
    peekCount = 1;
    token[0] = lex.nextItem();
    return token[0];
  }

  private Item nextNonSpace() {
    Item it;
    do {
      it = next();
    } while (it.typ() == T.SPACE);
    return it;
  }

  private Item peekNonSpace() {
    Item it = nextNonSpace();
    backup();
    return it;
  }

  // ---- errors ----

  private ParseException errorf(String msg) {
    t.root = null;
    int line = token[0] == null ? 0 : token[0].line();
    throw new ParseException("template: " + t.parseName + ":" + line + ": " + msg);
  }

  private Item expect(T expected, String context) {
    Item it = nextNonSpace();
    if (it.typ() != expected) {
      unexpected(it, context);
    }
    return it;
  }

  private Item expectOneOf(T e1, T e2, String context) {
    Item it = nextNonSpace();
    if (it.typ() != e1 && it.typ() != e2) {
      unexpected(it, context);
    }
    return it;
  }

  private void unexpected(Item it, String context) {
    if (it.typ() == T.ERROR) {
      String extra = "";
      if (actionLine != 0 && actionLine != it.line()) {
        extra = " in action started at " + t.parseName + ":" + actionLine;
        if (it.val().endsWith(" action")) {
          extra = extra.substring(" in action".length());
        }
      }
      throw errorf(it + extra);
    }
    throw errorf("unexpected " + it + " in " + context);
  }

  // ---- trees ----

  private void add() {
    Tree old = treeSet.get(t.name);
    if (old == null || Tree.isEmpty(old.root)) {
      treeSet.put(t.name, t);
      return;
    }
    if (!Tree.isEmpty(t.root)) {
      throw errorf("template: multiple definition of template " + io.strata.promql.ast.GoFormat.quote(t.name));
    }
  }

  private Parser sub(String name) {
    return new Parser(new Tree(name, t.parseName, t.text), hasFunction, lex, treeSet);
  }

  private void parseTop() {
    t.root = new ListNode(t, peek().pos());
    while (peek().typ() != T.EOF) {
      if (peek().typ() == T.LEFT_DELIM) {
        Item delim = next();
        if (nextNonSpace().typ() == T.DEFINE) {
          sub("definition").parseDefinition();
          continue;
        }
        backup2(delim);
      }
      Node n = textOrAction();
      if (n instanceof Node.EndNode || n instanceof Node.ElseNode) {
        throw errorf("unexpected " + n);
      }
      t.root.nodes.add(n);
    }
  }

  private void parseDefinition() {
    String context = "define clause";
    Item name = expectOneOf(T.STRING, T.RAW_STRING, context);
    String unq = GoStrconv.unquote(name.val());
    if (unq == null) {
      throw errorf("invalid syntax");
    }
    t.name = unq;
    expect(T.RIGHT_DELIM, context);
    Node[] end = new Node[1];
    t.root = itemList(end);
    if (!(end[0] instanceof Node.EndNode)) {
      throw errorf("unexpected " + end[0] + " in " + context);
    }
    add();
  }

  private ListNode itemList(Node[] next) {
    ListNode list = new ListNode(t, peekNonSpace().pos());
    while (peekNonSpace().typ() != T.EOF) {
      Node n = textOrAction();
      if (n instanceof Node.EndNode || n instanceof Node.ElseNode) {
        next[0] = n;
        return list;
      }
      list.nodes.add(n);
    }
    throw errorf("unexpected EOF");
  }

  private Node textOrAction() {
    Item it = nextNonSpace();
    switch (it.typ()) {
      case TEXT:
        return new Node.TextNode(t, it.pos(), it.val());
      case LEFT_DELIM:
        actionLine = it.line();
        try {
          return action();
        } finally {
          actionLine = 0;
        }
      default:
        unexpected(it, "input");
        return null;
    }
  }

  private Node action() {
    Item it = nextNonSpace();
    switch (it.typ()) {
      case BLOCK:
        return blockControl();
      case BREAK:
        return breakControl(it.pos(), "{{break}}");
      case CONTINUE:
        return breakControl(it.pos(), "{{continue}}");
      case ELSE:
        return elseControl();
      case END:
        return new Node.EndNode(t, expect(T.RIGHT_DELIM, "end").pos());
      case IF:
        return parseControl(true, "if");
      case RANGE:
        return parseControl(false, "range");
      case TEMPLATE:
        return templateControl();
      case WITH:
        return parseControl(false, "with");
      default:
        break;
    }
    backup();
    Item tok = peek();
    return new Node.ActionNode(t, tok.pos(), pipeline("command", T.RIGHT_DELIM));
  }

  private Node breakControl(int pos, String what) {
    Item it = nextNonSpace();
    if (it.typ() != T.RIGHT_DELIM) {
      unexpected(it, what);
    }
    if (rangeDepth == 0) {
      throw errorf(what + " outside {{range}}");
    }
    return what.equals("{{break}}") ? new Node.BreakNode(t, pos) : new Node.ContinueNode(t, pos);
  }

  private PipeNode pipeline(String context, T end) {
    Item tok = peekNonSpace();
    PipeNode pipe = new PipeNode(t, tok.pos());
    decls:
    while (true) {
      Item v = peekNonSpace();
      if (v.typ() == T.VARIABLE) {
        next();
        Item tokenAfterVariable = peek();
        Item nx = peekNonSpace();
        if (nx.typ() == T.ASSIGN || nx.typ() == T.DECLARE) {
          pipe.isAssign = nx.typ() == T.ASSIGN;
          nextNonSpace();
          pipe.decl.add(new VariableNode(t, v.pos(), v.val()));
          vars.add(v.val());
        } else if (nx.typ() == T.CHAR && nx.val().equals(",")) {
          nextNonSpace();
          pipe.decl.add(new VariableNode(t, v.pos(), v.val()));
          vars.add(v.val());
          if (context.equals("range") && pipe.decl.size() < 2) {
            T pt = peekNonSpace().typ();
            if (pt == T.VARIABLE || pt == T.RIGHT_DELIM || pt == T.RIGHT_PAREN) {
              continue decls;
            }
            throw errorf("range can only initialize variables");
          }
          throw errorf("too many declarations in " + context);
        } else if (tokenAfterVariable.typ() == T.SPACE) {
          backup3(v, tokenAfterVariable);
        } else {
          backup2(v);
        }
      }
      break;
    }
    while (true) {
      Item it = nextNonSpace();
      if (it.typ() == end) {
        checkPipeline(pipe, context);
        return pipe;
      }
      switch (it.typ()) {
        case BOOL, CHAR_CONSTANT, COMPLEX, DOT, FIELD, IDENTIFIER, NUMBER, NIL, RAW_STRING, STRING, VARIABLE,
            LEFT_PAREN -> {
          backup();
          pipe.cmds.add(command());
        }
        default -> unexpected(it, context);
      }
    }
  }

  private void checkPipeline(PipeNode pipe, String context) {
    if (pipe.cmds.isEmpty()) {
      throw errorf("missing value for " + context);
    }
    for (int i = 1; i < pipe.cmds.size(); i++) {
      Node a = pipe.cmds.get(i).args.get(0);
      if (a instanceof Node.BoolNode || a instanceof Node.DotNode || a instanceof Node.NilNode
          || a instanceof Node.NumberNode || a instanceof Node.StringNode) {
        throw errorf("non executable command in pipeline stage " + (i + 1));
      }
    }
  }

  private Node parseControl(boolean allowElseIf, String context) {
    int mark = vars.size();
    try {
      PipeNode pipe = pipeline(context, T.RIGHT_DELIM);
      if (context.equals("range")) {
        rangeDepth++;
      }
      Node[] next = new Node[1];
      ListNode list = itemList(next);
      if (context.equals("range")) {
        rangeDepth--;
      }
      ListNode elseList = null;
      if (next[0] instanceof Node.ElseNode) {
        boolean done = false;
        if (allowElseIf && peek().typ() == T.IF) {
          next();
          elseList = new ListNode(t, next[0].pos);
          elseList.nodes.add(parseControl(true, "if"));
          done = true;
        }
        if (!done) {
          elseList = itemList(next);
          if (!(next[0] instanceof Node.EndNode)) {
            throw errorf("expected end; found " + next[0]);
          }
        }
      }
      return new BranchNode(t, pipe.pos, context, pipe, list, elseList);
    } finally {
      vars = new ArrayList<>(vars.subList(0, Math.min(mark, vars.size())));
    }
  }

  private Node elseControl() {
    Item p = peekNonSpace();
    if (p.typ() == T.IF) {
      return new Node.ElseNode(t, p.pos());
    }
    Item it = expect(T.RIGHT_DELIM, "else");
    return new Node.ElseNode(t, it.pos());
  }

  private Node blockControl() {
    String context = "block clause";
    Item it = nextNonSpace();
    String name = parseTemplateName(it, context);
    PipeNode pipe = pipeline(context, T.RIGHT_DELIM);
    Parser block = sub(name);
    Node[] end = new Node[1];
    block.t.root = block.itemList(end);
    if (!(end[0] instanceof Node.EndNode)) {
      throw errorf("unexpected " + end[0] + " in " + context);
    }
    block.add();
    return new Node.TemplateNode(t, it.pos(), name, pipe);
  }

  private Node templateControl() {
    String context = "template clause";
    Item it = nextNonSpace();
    String name = parseTemplateName(it, context);
    PipeNode pipe = null;
    if (nextNonSpace().typ() != T.RIGHT_DELIM) {
      backup();
      pipe = pipeline(context, T.RIGHT_DELIM);
    }
    return new Node.TemplateNode(t, it.pos(), name, pipe);
  }

  private String parseTemplateName(Item it, String context) {
    if (it.typ() == T.STRING || it.typ() == T.RAW_STRING) {
      String s = GoStrconv.unquote(it.val());
      if (s == null) {
        throw errorf("invalid syntax");
      }
      return s;
    }
    unexpected(it, context);
    return null;
  }

  private CommandNode command() {
    CommandNode cmd = new CommandNode(t, peekNonSpace().pos());
    while (true) {
      peekNonSpace();
      Node operand = operand();
      if (operand != null) {
        cmd.args.add(operand);
      }
      Item it = next();
      switch (it.typ()) {
        case SPACE:
          continue;
        case RIGHT_DELIM, RIGHT_PAREN:
          backup();
          break;
        case PIPE:
          break;
        default:
          unexpected(it, "operand");
      }
      break;
    }
    if (cmd.args.isEmpty()) {
      throw errorf("empty command");
    }
    return cmd;
  }

  private Node operand() {
    Node node = term();
    if (node == null) {
      return null;
    }
    if (peek().typ() == T.FIELD) {
      Node.ChainNode chain = new Node.ChainNode(t, peek().pos(), node);
      while (peek().typ() == T.FIELD) {
        chain.fields.add(next().val().substring(1));
      }
      if (node instanceof Node.FieldNode) {
        node = new Node.FieldNode(t, chain.pos, chain.toString());
      } else if (node instanceof VariableNode) {
        node = new VariableNode(t, chain.pos, chain.toString());
      } else if (node instanceof Node.BoolNode || node instanceof Node.StringNode || node instanceof Node.NumberNode
          || node instanceof Node.NilNode || node instanceof Node.DotNode) {
        throw errorf("unexpected . after term " + io.strata.promql.ast.GoFormat.quote(node.toString()));
      } else {
        node = chain;
      }
    }
    return node;
  }

  private Node term() {
    Item it = nextNonSpace();
    switch (it.typ()) {
      case IDENTIFIER:
        if (!hasFunction.test(it.val())) {
          throw errorf("function " + io.strata.promql.ast.GoFormat.quote(it.val()) + " not defined");
        }
        return new Node.IdentifierNode(t, it.pos(), it.val());
      case DOT:
        return new Node.DotNode(t, it.pos());
      case NIL:
        return new Node.NilNode(t, it.pos());
      case VARIABLE:
        return useVar(it.pos(), it.val());
      case FIELD:
        return new Node.FieldNode(t, it.pos(), it.val());
      case BOOL:
        return new Node.BoolNode(t, it.pos(), it.val().equals("true"));
      case CHAR_CONSTANT, COMPLEX, NUMBER: {
        Object n = GoStrconv.newNumber(t, it.pos(), it.val(), it.typ());
        if (n instanceof String err) {
          throw errorf(err);
        }
        return (Node.NumberNode) n;
      }
      case LEFT_PAREN:
        return pipeline("parenthesized pipeline", T.RIGHT_PAREN);
      case STRING, RAW_STRING: {
        String s = GoStrconv.unquote(it.val());
        if (s == null) {
          throw errorf("invalid syntax");
        }
        return new Node.StringNode(t, it.pos(), it.val(), s);
      }
      default:
        backup();
        return null;
    }
  }

  private Node useVar(int pos, String name) {
    VariableNode v = new VariableNode(t, pos, name);
    for (String varName : vars) {
      if (varName.equals(v.ident[0])) {
        return v;
      }
    }
    throw errorf("undefined variable " + io.strata.promql.ast.GoFormat.quote(v.ident[0]));
  }
}
