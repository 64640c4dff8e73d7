package io.strata.promql.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Go 1.19's {@code text/template/parse} nodes. {@link #toString()} is Go's {@code String()}: it is the
 * context printed in execution errors ({@code executing "x" at <humanize "x">}).
 */
abstract sealed class Node {
  final Tree tree;
  final int pos;

  Node(Tree tree, int pos) {
    this.tree = tree;
    this.pos = pos;
  }

  abstract void writeTo(StringBuilder sb);

  @Override
  public final String toString() {
    StringBuilder sb = new StringBuilder();
    writeTo(sb);
    return sb.toString();
  }

  static final class ListNode extends Node {
    final List<Node> nodes = new ArrayList<>();

    ListNode(Tree t, int pos) {
      super(t, pos);
    }

    @Override
    void writeTo(StringBuilder sb) {
      for (Node n : nodes) {
        n.writeTo(sb);
      }
    }
  }

  static final class TextNode extends Node {
    final String text;

    TextNode(Tree t, int pos, String text) {
      super(t, pos);
      this.text = text;
    }

    @Override
    void writeTo(StringBuilder sb) {
      sb.append(text);
    }
  }

  static final class PipeNode extends Node {
    boolean isAssign;
    final List<VariableNode> decl = new ArrayList<>();
    final List<CommandNode> cmds = new ArrayList<>();

    PipeNode(Tree t, int pos) {
      super(t, pos);
    }

    @Override
    void writeTo(StringBuilder sb) {
      if (!decl.isEmpty()) {
        for (int i = 0; i < decl.size(); i++) {
          if (i > 0) {
            sb.append(", ");
          }
          decl.get(i).writeTo(sb);
        }
        sb.append(" := ");
      }
      for (int i = 0; i < cmds.size(); i++) {
        if (i > 0) {
          sb.append(" | ");
        }
        cmds.get(i).writeTo(sb);
      }
    }
  }

  static final class ActionNode extends Node {
    final PipeNode pipe;

    ActionNode(Tree t, int pos, PipeNode pipe) {
      super(t, pos);
      this.pipe = pipe;
    }

    @Override
    void writeTo(StringBuilder sb) {
      sb.append("{{");
      pipe.writeTo(sb);
      sb.append("}}");
    }
  }

  static final class CommandNode extends Node {
    final List<Node> args = new ArrayList<>();

    CommandNode(Tree t, int pos) {
      super(t, pos);
    }

    @Override
    void writeTo(StringBuilder sb) {
      for (int i = 0; i < args.size(); i++) {
        if (i > 0) {
          sb.append(' ');
        }
        Node arg = args.get(i);
        if (arg instanceof PipeNode) {
          sb.append('(');
          arg.writeTo(sb);
          sb.append(')');
          continue;
        }
        arg.writeTo(sb);
      }
    }
  }

  static final class IdentifierNode extends Node {
    final String ident;

    IdentifierNode(Tree t, int pos, String ident) {
      super(t, pos);
      this.ident = ident;
    }

    @Override
    void writeTo(StringBuilder sb) {
      sb.append(ident);
    }
  }

  static final class VariableNode extends Node {
    final String[] ident;

    VariableNode(Tree t, int pos, String ident) {
      super(t, pos);
      this.ident = ident.split("\\.", -1);
    }

    @Override
    void writeTo(StringBuilder sb) {
      sb.append(String.join(".", ident));
    }
  }

  static final class DotNode extends Node {
    DotNode(Tree t, int pos) {
      super(t, pos);
    }

    @Override
    void writeTo(StringBuilder sb) {
      sb.append('.');
    }
  }

  static final class NilNode extends Node {
    NilNode(Tree t, int pos) {
      super(t, pos);
    }

    @Override
    void writeTo(StringBuilder sb) {
      sb.append("nil");
    }
  }

  static final class FieldNode extends Node {
    final String[] ident;

    FieldNode(Tree t, int pos, String ident) {
      super(t, pos);
      this.ident = ident.substring(1).split("\\.", -1);
    }

    @Override
    void writeTo(StringBuilder sb) {
      for (String id : ident) {
        sb.append('.').append(id);
      }
    }
  }

  static final class ChainNode extends Node {
    final Node node;
    final List<String> fields = new ArrayList<>();

    ChainNode(Tree t, int pos, Node node) {
      super(t, pos);
      this.node = node;
    }

    @Override
    void writeTo(StringBuilder sb) {
      if (node instanceof PipeNode) {
        sb.append('(');
        node.writeTo(sb);
        sb.append(')');
      } else {
        node.writeTo(sb);
      }
      for (String f : fields) {
        sb.append('.').append(f);
      }
    }
  }

  static final class BoolNode extends Node {
    final boolean value;

    BoolNode(Tree t, int pos, boolean value) {
      super(t, pos);
      this.value = value;
    }

    @Override
    void writeTo(StringBuilder sb) {
      sb.append(value);
    }
  }

  static final class NumberNode extends Node {
    boolean isInt;
    boolean isUint;
    boolean isFloat;
    boolean isComplex;
    long int64;
    long uint64;
    double float64;
    double real;
    double imag;
    final String text;

    NumberNode(Tree t, int pos, String text) {
      super(t, pos);
      this.text = text;
    }

    @Override
    void writeTo(StringBuilder sb) {
      sb.append(text);
    }
  }

  static final class StringNode extends Node {
    final String quoted;
    final String text;

    StringNode(Tree t, int pos, String quoted, String text) {
      super(t, pos);
      this.quoted = quoted;
      this.text = text;
    }

    @Override
    void writeTo(StringBuilder sb) {
      sb.append(quoted);
    }
  }

  static final class EndNode extends Node {
    EndNode(Tree t, int pos) {
      super(t, pos);
    }

    @Override
    void writeTo(StringBuilder sb) {
      sb.append("{{end}}");
    }
  }

  static final class ElseNode extends Node {
    ElseNode(Tree t, int pos) {
      super(t, pos);
    }

    @Override
    void writeTo(StringBuilder sb) {
      sb.append("{{else}}");
    }
  }

  /** if, range and with. */
  static final class BranchNode extends Node {
    final String kind;
    final PipeNode pipe;
    final ListNode list;
    final ListNode elseList;

    BranchNode(Tree t, int pos, String kind, PipeNode pipe, ListNode list, ListNode elseList) {
      super(t, pos);
      this.kind = kind;
      this.pipe = pipe;
      this.list = list;
      this.elseList = elseList;
    }

    @Override
    void writeTo(StringBuilder sb) {
      sb.append("{{").append(kind).append(' ');
      pipe.writeTo(sb);
      sb.append("}}");
      list.writeTo(sb);
      if (elseList != null) {
        sb.append("{{else}}");
        elseList.writeTo(sb);
      }
      sb.append("{{end}}");
    }
  }

  static final class BreakNode extends Node {
    BreakNode(Tree t, int pos) {
      super(t, pos);
    }

    @Override
    void writeTo(StringBuilder sb) {
      sb.append("{{break}}");
    }
  }

  static final class ContinueNode extends Node {
    ContinueNode(Tree t, int pos) {
      super(t, pos);
    }

    @Override
    void writeTo(StringBuilder sb) {
      sb.append("{{continue}}");
    }
  }

  static final class TemplateNode extends Node {
    final String name;
    final PipeNode pipe;

    TemplateNode(Tree t, int pos, String name, PipeNode pipe) {
      super(t, pos);
      this.name = name;
      this.pipe = pipe;
    }

    @Override
    void writeTo(StringBuilder sb) {
      sb.append("{{template ").append(io.strata.promql.ast.GoFormat.quote(name));
      if (pipe != null) {
        sb.append(' ');
        pipe.writeTo(sb);
      }
      sb.append("}}");
    }
  }
}
