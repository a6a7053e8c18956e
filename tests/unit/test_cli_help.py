"""Every `scrubline` command and option says what it is for, and every command shows an example."""

from __future__ import annotations

import argparse

from flows.cli import build_parser


def _commands(parser: argparse.ArgumentParser, path: str = "scrubline"):
    """(command path, parser, help of its entry in the parent) for every command, recursively."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield f"{path} {name}", sub, helps.get(name)
                yield from _commands(sub, f"{path} {name}")


def test_every_command_and_option_has_help_and_every_command_an_example():
    missing = []
    commands = list(_commands(build_parser()))
    assert len(commands) > 20
    for path, parser, summary in commands:
        if not summary:
            missing.append(f"{path}: no help in its parent's list")
        if "scrubline " not in (parser.epilog or ""):
            missing.append(f"{path}: no example (epilog with 'scrubline ...')")
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{path}: {'/'.join(action.option_strings) or action.dest}: no help")
    assert missing == []


def test_help_ends_with_the_example():
    parser = build_parser()
    for path, sub, _ in _commands(parser):
        text = sub.format_help().rstrip()
        assert text.endswith(sub.epilog.strip().splitlines()[-1].strip()), path
