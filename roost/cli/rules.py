"""`roost rules`: the server rules everyone agrees to at sign-up and reports cite."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from roost.cli.common import app, console, run_on_instance

if TYPE_CHECKING:
    from roost.instance import Roost

rules_app = typer.Typer(help="The server rules: list, add, remove.", no_args_is_help=True)
app.add_typer(rules_app, name="rules", rich_help_panel="Accounts and content")


@rules_app.command("list")
def rules_list() -> None:
    """Show the rules in force, with their ids."""
    from roost.moderation.rules import current_rules

    async def run(roost: Roost) -> str:
        found = await current_rules(roost.db)
        return "\n".join(f"{r.id}. {r.text}" + (f" ({r.hint})" if r.hint else "") for r in found)

    console.print(run_on_instance(run) or "No rules yet.")


@rules_app.command("add")
def rules_add(
    text: Annotated[str, typer.Argument(help="The rule (at most 300 characters).")],
    hint: Annotated[str, typer.Option(help="A longer explanation.")] = "",
) -> None:
    """Add a rule at the end of the list."""
    from roost.moderation.rules import do_add_rule
    from roost.moderation.staff import OPERATOR

    async def run(roost: Roost) -> int:
        return await do_add_rule(roost.db, OPERATOR, text, hint)

    console.print(f"Rule {run_on_instance(run)} added.")


@rules_app.command("remove")
def rules_remove(rule_id: Annotated[int, typer.Argument(help="The rule's id.")]) -> None:
    """Take a rule out of force (reports that cite it keep it)."""
    from roost.moderation.rules import do_remove_rule
    from roost.moderation.staff import OPERATOR

    async def run(roost: Roost) -> None:
        await do_remove_rule(roost.db, OPERATOR, rule_id)

    run_on_instance(run)
    console.print(f"Rule {rule_id} removed.")
