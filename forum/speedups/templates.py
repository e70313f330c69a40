"""Jinja speed-ups (forum.speedups: translations, output, attributes, calls, globals).

`translations`: a page calls `_('...')` dozens of times, and Jinja's gettext goes through three
context calls and a Markup format each time: on the board index that was a third of the page's
own work. Since the strings are constants, each language gets its own copy of every template,
compiled with the translations in place. Calls whose text is not a constant, and templates
rendered outside a request, keep the ordinary runtime gettext, so the result is the same either
way. Filters that format for the reader's language (dates) are bound to it in each copy the same
way. The others change how compiled templates call, escape and look up, each to the same result.
"""

import threading
from collections import ChainMap
from types import BuiltinFunctionType, BuiltinMethodType, FunctionType, MethodType

from flask import has_request_context
from flask.templating import Environment
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, optimizeconst
from jinja2.runtime import Context, Macro
from jinja2.visitor import NodeTransformer
from markupsafe import Markup, escape

GETTEXT_NAMES = frozenset({"_", "gettext"})
NGETTEXT_NAMES = frozenset({"ngettext"})
# Plural counts whose expression may safely be evaluated twice (to choose the form and fill %(num)).
PURE_EXPRESSIONS = (nodes.Name, nodes.Getattr, nodes.Getitem, nodes.Const)


def escape_output(value) -> str:
    """What `{{ value }}` writes: markupsafe.escape's text, without a Markup object for each
    value (half the cost of a page's hundreds of outputs). Plain str and int are the usual ones."""
    kind = type(value)
    if kind is str:
        if "&" in value or "<" in value or ">" in value or "'" in value or '"' in value:
            return str(escape(value))
        return value
    if kind is Markup:  # already safe: macros, translated sentences, dates
        return value
    if kind is int:
        return str(value)
    return str(escape(value))


def format_trusted(text: str, values: dict) -> Markup:
    """Markup(text) % values, with each value escaped as `{{ value }}` escapes it: Markup's own
    % wraps every value in a helper object and a Markup (a thread page fills hundreds)."""
    escaped = {
        key: value if type(value) in (int, float) else escape_output(value)
        for key, value in values.items()
    }
    return Markup(text % escaped)  # noqa: S704 - a translation, its values escaped


class _EscapedOutput(CodeGenerator):
    """`output`: `{{ value }}` written through escape_output."""

    def _output_child_pre(self, node, frame, finalize):
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.escape_output(")
            if finalize.src is not None:
                self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)


class _PythonAttributes(CodeGenerator):
    """`attributes`: `row.title` of a loop variable, hundreds of times a page: Python's getattr
    first, and Jinja's environment.getattr (an item, else undefined) only when the object has no
    such attribute. A name can be read twice; any other object expression is left to Jinja."""

    @optimizeconst
    def visit_Getattr(self, node, frame):
        if self.environment.is_async or not isinstance(node.node, nodes.Name):
            return super().visit_Getattr(node, frame)
        self.write("(_jinja_attribute if (_jinja_attribute := getattr(")
        self.visit(node.node, frame)
        self.write(f", {node.attr!r}, missing)) is not missing else environment.getattr(")
        self.visit(node.node, frame)
        self.write(f", {node.attr!r}))")


class _PlainEnvironmentCalls(CodeGenerator):
    """With `translations`: the environment's own helpers (format_trusted, put in by
    _ConstantTranslations) are plain functions, called directly, not through context.call's
    checks for a context."""

    def visit_Call(self, node, frame, forward_caller=False):
        plain = (
            isinstance(node.node, nodes.EnvironmentAttribute)
            and not (node.kwargs or node.dyn_args or node.dyn_kwargs or forward_caller)
            and not self.environment.is_async
        )
        if not plain:
            return super().visit_Call(node, frame, forward_caller=forward_caller)
        self.visit(node.node, frame)
        self.write("(")
        for position, argument in enumerate(node.args):
            if position:
                self.write(", ")
            self.visit(argument, frame)
        self.write(")")


_PLAIN_CALLABLES = (FunctionType, MethodType, BuiltinFunctionType, BuiltinMethodType)


class _Context(Context):
    """`calls`: Jinja's context, calling plain functions and macros without asking each time
    whether they want a context: a page makes hundreds of calls (ten a post on a thread page)."""

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        kind = type(__obj)
        if kind is not Macro and (kind not in _PLAIN_CALLABLES or hasattr(__obj, "jinja_pass_arg")):
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_loop_vars", None)
        kwargs.pop("_block_vars", None)
        try:
            if kind is not Macro:
                return __obj(*args, **kwargs)
            if kwargs or not _takes_exactly(__obj, len(args)):
                return __obj(__self.eval_ctx, *args, **kwargs)  # Macro.__call__ wants it first
            # Where Macro.__call__ ends once it has matched the arguments to the parameters,
            # which leaves a call like this one as it is: a listing calls a macro for each row,
            # and the matching was a third of each call.
            output = __obj._func(*args)
            return Markup(output) if __self.eval_ctx.autoescape else output  # noqa: S704 - escaped by the macro
        except StopIteration:  # as Jinja's own call: a generator's end must not end the page
            return __self.environment.undefined("a callable raised StopIteration")


def _takes_exactly(macro: Macro, count: int) -> bool:
    """Whether a call with count positional arguments fills the macro's parameters as they are:
    no defaults to fill in, no caller, no catch-all *varargs or **kwargs."""
    return (
        count == macro._argument_count
        and not macro.caller
        and not macro.catch_kwargs
        and not macro.catch_varargs
    )


class _TemplateGlobals(ChainMap):
    """`globals`: a template's globals, Jinja's ChainMap over the environment's, with keys() as
    a set: every `{% from ... import %}` of every render compares the page's globals with the
    macro file's (Jinja's _get_default_module), a key at a time through ChainMap's lookups
    otherwise."""

    def keys(self):
        return set().union(*self.maps)


class _SetKeyedGlobals(Environment):
    def make_globals(self, d):
        return _TemplateGlobals({} if d is None else d, self.globals)


class TranslatedEnvironment(Environment):
    """Flask's environment, handing each request the overlay for its language: compiled with
    its translations in place (`translations`), with its date filters bound (`dates`)."""

    compile_translations = False
    language = None  # set on the per-language overlays only
    translations = None  # on the overlays, when compile_translations
    # locale -> {name: filter} of filters bound to one language, put into its overlay
    language_filters = None
    escape_output = staticmethod(escape_output)
    format_trusted = staticmethod(format_trusted)

    def __init__(self, app, **options):
        super().__init__(app, **options)
        self._overlays: dict[str, TranslatedEnvironment] = {}
        self._overlays_lock = threading.Lock()

    def _for_request(self) -> "TranslatedEnvironment":
        if self.language is not None or not has_request_context():
            return self
        if not self.compile_translations and self.language_filters is None:
            return self
        from forum.i18n import current_locale, request_translations

        locale = current_locale()
        overlay = self._overlays.get(locale)
        if overlay is None:
            with self._overlays_lock:
                overlay = self._overlays.get(locale)
                if overlay is None:
                    overlay = self.overlay()
                    overlay.language = locale
                    if self.compile_translations:
                        overlay.translations = request_translations()
                    if self.language_filters is not None:
                        overlay.filters = {**self.filters, **self.language_filters(locale)}
                    self._overlays[locale] = overlay
        return overlay

    def get_template(self, name, parent=None, globals=None):
        target = self._for_request()
        if target is not self:
            return target.get_template(name, parent, globals)
        return super().get_template(name, parent, globals)

    def select_template(self, names, parent=None, globals=None):
        target = self._for_request()
        if target is not self:
            return target.select_template(names, parent, globals)
        return super().select_template(names, parent, globals)

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        if self.translations is None:
            return tree
        autoescape = self.autoescape(name) if callable(self.autoescape) else self.autoescape
        return _ConstantTranslations(self.translations, autoescape=autoescape).visit(tree)


class _ConstantTranslations(NodeTransformer):
    """Replaces _('text', name=value) by the translated text, formatted as newstyle gettext does."""

    def __init__(self, translations, *, autoescape: bool):
        self.translations = translations
        self.plural_is_not_one = _plural_is_not_one(translations)
        # Translations are trusted markup, as newstyle gettext's Markup(text) makes them; as a
        # constant, the text is written into the compiled template with no work left to do.
        self.trusted = Markup if autoescape else str

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        node = self.generic_visit(node)
        if not isinstance(node.node, nodes.Name) or node.dyn_args or node.dyn_kwargs:
            return node
        if node.node.name in GETTEXT_NAMES:
            return self._gettext(node)
        if node.node.name in NGETTEXT_NAMES:
            return self._ngettext(node)
        return node

    def _gettext(self, node: nodes.Call) -> nodes.Node:
        if len(node.args) != 1 or not _is_text(node.args[0]):
            return node
        translated = self.translations.ugettext(node.args[0].value)
        return self._formatted(translated, node.kwargs, node.lineno) or node

    def _ngettext(self, node: nodes.Call) -> nodes.Node:
        if not self.plural_is_not_one or len(node.args) != 3:
            return node
        singular, plural, count = node.args
        if not (_is_text(singular) and _is_text(plural)):
            return node
        if not isinstance(count, PURE_EXPRESSIONS):
            return node
        keywords = list(node.kwargs)
        if all(keyword.key != "num" for keyword in keywords):
            keywords.append(nodes.Keyword("num", count, lineno=node.lineno))
        one = self._formatted(self.translations.ungettext(singular.value, plural.value, 1),
                              keywords, node.lineno)  # fmt: skip
        many = self._formatted(self.translations.ungettext(singular.value, plural.value, 2),
                               keywords, node.lineno)  # fmt: skip
        if one is None or many is None:
            return node
        is_one = nodes.Compare(count, [nodes.Operand("eq", nodes.Const(1))], lineno=node.lineno)
        return nodes.CondExpr(is_one, one, many, lineno=node.lineno)

    def _formatted(self, translated: str, keywords, lineno: int) -> nodes.Expr | None:
        """newstyle gettext's `Markup(text) % variables` as nodes; None if it cannot be folded."""
        if not keywords:
            try:
                return nodes.Const(self.trusted(translated % {}), lineno=lineno)
            except (TypeError, ValueError, KeyError):
                return None
        pairs = [nodes.Pair(nodes.Const(keyword.key), keyword.value) for keyword in keywords]
        values = nodes.Dict(pairs, lineno=lineno)
        if self.trusted is str:
            return nodes.Mod(nodes.Const(translated, lineno=lineno), values, lineno=lineno)
        format_trusted = nodes.EnvironmentAttribute("format_trusted", lineno=lineno)
        text = nodes.Const(translated, lineno=lineno)
        return nodes.Call(format_trusted, [text, values], [], None, None, lineno=lineno)


def _is_text(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Const) and isinstance(node.value, str)


def _plural_is_not_one(translations) -> bool:
    """Whether the catalog picks its forms as English does (fi, sv and en all do)."""
    choose = getattr(translations, "plural", None)
    if choose is None:
        return True  # NullTranslations: singular for 1, plural otherwise
    return all(choose(n) == int(n != 1) for n in range(200))


def environment_class(enabled: frozenset[str]) -> type[Environment]:
    """The application's Jinja environment with the speed-ups `enabled` (forum.speedups)."""
    generators = [
        generator
        for name, generator in (
            ("output", _EscapedOutput),
            ("attributes", _PythonAttributes),
            ("translations", _PlainEnvironmentCalls),
        )
        if name in enabled
    ]
    attributes = {
        "code_generator_class": type("CodeGenerator", (*generators, CodeGenerator), {}),
        "compile_translations": "translations" in enabled,
    }
    if "calls" in enabled:
        attributes["context_class"] = _Context
    bases = (_SetKeyedGlobals,) if "globals" in enabled else ()
    return type("ForumEnvironment", (*bases, TranslatedEnvironment), attributes)
