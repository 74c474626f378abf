"""Generated from dockerfile.lark by `python -m dflint.grammar`; do not edit.

The LALR tables and per-state lexer patterns Lark builds for the grammar, run by
dflint/grammar/lalr.py. tests/test_parser_grammar.py fails when this is stale.
"""
# ruff: noqa: E501

LARK_VERSION = '1.3.1'

#: Each lexer: one regular expression, Lark's terminals of a state in the order it tries them.
PATTERNS = ['(?P<KEYWORD>[^ \t\\v\x0c\r\n]+\n?)', '(?P<FLAG_BS>[\t\\v\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+--(?:[^\n\t\\v\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"\'\\\\]|\\\\[^\n]?|"(?:[^"\\\\\n]|\\\\[^\n]?)*"?|\'(?:[^\'\\\\\n]|\\\\[^\n]?)*\'?)*\n?)|(?P<REST>[\t\\v\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+[^\n]+\n)|(?P<KEYWORD>[^ \t\\v\x0c\r\n]+\n?)', '(?!)', '(?P<FLAG_BT>[\t\\v\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+--(?:[^\n\t\\v\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"\'`]|`[^\n]?|"(?:[^"`\n]|`[^\n]?)*"?|\'(?:[^\'`\n]|`[^\n]?)*\'?)*\n?)|(?P<REST>[\t\\v\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+[^\n]+\n)|(?P<KEYWORD>[^ \t\\v\x0c\r\n]+\n?)']
#: The lexer (index into PATTERNS) of each LALR state.
LEXERS = [0, 0, 1, 0, 0, 2, 3, 0, 0, 2, 1, 0, 1, 0, 3, 0, 3, 0, 1, 0, 3, 0]
#: Rules reduced: (name, number of symbols, inlined into the parent: name starts with _).
RULES = [
    ('__instruction_bs_star_2', 1, True),
    ('__instruction_bs_star_2', 2, True),
    ('__instruction_bt_star_3', 1, True),
    ('__instruction_bt_star_3', 2, True),
    ('__start_bs_star_0', 2, True),
    ('__start_bs_star_0', 1, True),
    ('__start_bt_star_1', 2, True),
    ('__start_bt_star_1', 1, True),
    ('instruction_bs', 1, False),
    ('instruction_bs', 2, False),
    ('instruction_bs', 2, False),
    ('instruction_bs', 3, False),
    ('instruction_bt', 1, False),
    ('instruction_bt', 2, False),
    ('instruction_bt', 2, False),
    ('instruction_bt', 3, False),
    ('start_bs', 0, False),
    ('start_bs', 1, False),
    ('start_bt', 0, False),
    ('start_bt', 1, False),
]
#: Each state's actions: symbol -> (0, state to shift to) or (1, rule to reduce).
STATES = [
    {'$END': (1, 16), 'KEYWORD': (0, 2), '__start_bs_star_0': (0, 3), 'instruction_bs': (0, 4), 'start_bs': (0, 5)},
    {'$END': (1, 18), 'KEYWORD': (0, 6), '__start_bt_star_1': (0, 7), 'instruction_bt': (0, 8), 'start_bt': (0, 9)},
    {'$END': (1, 8), 'FLAG_BS': (0, 10), 'KEYWORD': (1, 8), 'REST': (0, 11), '__instruction_bs_star_2': (0, 12)},
    {'$END': (1, 17), 'KEYWORD': (0, 2), 'instruction_bs': (0, 13)},
    {'$END': (1, 5), 'KEYWORD': (1, 5)},
    {},
    {'$END': (1, 12), 'FLAG_BT': (0, 14), 'KEYWORD': (1, 12), 'REST': (0, 15), '__instruction_bt_star_3': (0, 16)},
    {'$END': (1, 19), 'KEYWORD': (0, 6), 'instruction_bt': (0, 17)},
    {'$END': (1, 7), 'KEYWORD': (1, 7)},
    {},
    {'$END': (1, 0), 'FLAG_BS': (1, 0), 'KEYWORD': (1, 0), 'REST': (1, 0)},
    {'$END': (1, 9), 'KEYWORD': (1, 9)},
    {'$END': (1, 10), 'FLAG_BS': (0, 18), 'KEYWORD': (1, 10), 'REST': (0, 19)},
    {'$END': (1, 4), 'KEYWORD': (1, 4)},
    {'$END': (1, 2), 'FLAG_BT': (1, 2), 'KEYWORD': (1, 2), 'REST': (1, 2)},
    {'$END': (1, 13), 'KEYWORD': (1, 13)},
    {'$END': (1, 14), 'FLAG_BT': (0, 20), 'KEYWORD': (1, 14), 'REST': (0, 21)},
    {'$END': (1, 6), 'KEYWORD': (1, 6)},
    {'$END': (1, 1), 'FLAG_BS': (1, 1), 'KEYWORD': (1, 1), 'REST': (1, 1)},
    {'$END': (1, 11), 'KEYWORD': (1, 11)},
    {'$END': (1, 3), 'FLAG_BT': (1, 3), 'KEYWORD': (1, 3), 'REST': (1, 3)},
    {'$END': (1, 15), 'KEYWORD': (1, 15)},
]
START = {'start_bs': 0, 'start_bt': 1}
END = {'start_bs': 5, 'start_bt': 9}
