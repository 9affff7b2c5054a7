"""The org tree as plain data: subtree totals, display order, search and cycle checks.

Pure: built from rows already loaded, so one query serves a whole page. Every walk is
iterative, so a deep tree cannot exhaust the interpreter's recursion limit.
"""

from collections.abc import Iterable
from dataclasses import dataclass

#: Levels shown expanded when the tree opens without a search.
OPEN_DEPTH = 2


@dataclass(frozen=True)
class TeamNode:
    id: int
    name: str
    external_id: str | None
    parent_id: int | None
    headcount: int
    change_capacity: int | None = None

    @property
    def label(self) -> str:
        """The name with the external id, as people tell similar teams apart."""
        return f"{self.name} ({self.external_id})" if self.external_id else self.name


@dataclass(frozen=True)
class TreeRow:
    """One team in display order, with what the template needs to nest it."""

    node: TeamNode
    depth: int
    child_count: int
    subtree_headcount: int
    #: Whether the row opens a nested list: it has children that are shown.
    has_shown_children: bool
    is_open: bool
    is_match: bool
    #: Nested lists that end after this row.
    closes: int


class OrgTree:
    def __init__(self, nodes: Iterable[TeamNode]):
        self.nodes: dict[int, TeamNode] = {node.id: node for node in nodes}
        self.children: dict[int | None, list[TeamNode]] = {}
        for node in self.nodes.values():
            parent = node.parent_id if node.parent_id in self.nodes else None
            self.children.setdefault(parent, []).append(node)
        for siblings in self.children.values():
            siblings.sort(key=lambda node: (node.name.casefold(), node.id))
        self._subtree_headcount = self._sum_subtrees()

    def __len__(self) -> int:
        return len(self.nodes)

    def __contains__(self, team_id: int) -> bool:
        return team_id in self.nodes

    @property
    def total_headcount(self) -> int:
        return sum(node.headcount for node in self.nodes.values())

    def depth_first(self) -> list[tuple[TeamNode, int]]:
        """Every team with its depth, parents before children, siblings by name."""
        ordered: list[tuple[TeamNode, int]] = []
        stack = [(node, 0) for node in reversed(self.children.get(None, []))]
        while stack:
            node, depth = stack.pop()
            ordered.append((node, depth))
            stack.extend((child, depth + 1) for child in reversed(self.children.get(node.id, [])))
        return ordered

    def subtree_headcount(self, team_id: int) -> int:
        return self._subtree_headcount[team_id]

    def ancestors(self, team_id: int) -> list[TeamNode]:
        """The team's parent, its parent's parent and so on up to the root."""
        chain, seen = [], {team_id}
        parent_id = self.nodes[team_id].parent_id
        while parent_id in self.nodes and parent_id not in seen:
            seen.add(parent_id)
            chain.append(self.nodes[parent_id])
            parent_id = self.nodes[parent_id].parent_id
        return chain

    def descendant_ids(self, team_id: int) -> set[int]:
        found, stack = set(), [team_id]
        while stack:
            for child in self.children.get(stack.pop(), []):
                if child.id not in found:
                    found.add(child.id)
                    stack.append(child.id)
        return found

    def move_cycle(self, team_id: int, new_parent_id: int | None) -> list[str] | None:
        """The names round the loop that putting the team under new_parent would make.

        ["Billing", "Collections", "Billing"]: Billing would sit under Collections,
        which sits under Billing. None when the move is allowed.
        """
        if new_parent_id is None:
            return None
        if new_parent_id == team_id:
            name = self.nodes[team_id].name
            return [name, name]
        above = [self.nodes[new_parent_id], *self.ancestors(new_parent_id)]
        ids = [node.id for node in above]
        if team_id not in ids:
            return None
        down = list(reversed(above[: ids.index(team_id) + 1]))
        return [node.name for node in down] + [down[0].name]

    def rows(self, query: str = "") -> list[TreeRow]:
        """The tree in display order; a query keeps matching teams and their ancestors."""
        needle = query.strip().casefold()
        matches = {node.id for node in self.nodes.values() if needle and _matches(node, needle)}
        shown = set(self.nodes) if not needle else self._with_ancestors(matches)
        ordered = [(node, depth) for node, depth in self.depth_first() if node.id in shown]
        rows = []
        for index, (node, depth) in enumerate(ordered):
            next_depth = ordered[index + 1][1] if index + 1 < len(ordered) else 0
            has_shown_children = next_depth > depth
            rows.append(
                TreeRow(
                    node=node,
                    depth=depth,
                    child_count=len(self.children.get(node.id, [])),
                    subtree_headcount=self._subtree_headcount[node.id],
                    has_shown_children=has_shown_children,
                    is_open=bool(needle) or depth < OPEN_DEPTH,
                    is_match=node.id in matches,
                    closes=0 if has_shown_children else depth - next_depth,
                )
            )
        return rows

    def choices(self, exclude: set[int] = frozenset()) -> list[tuple[int, str]]:
        """(id, label) for a select: tree order, indented by depth with non-breaking spaces."""
        return [
            (node.id, "\u00a0\u00a0\u00a0" * depth + node.label)
            for node, depth in self.depth_first()
            if node.id not in exclude
        ]

    def _with_ancestors(self, team_ids: set[int]) -> set[int]:
        shown = set(team_ids)
        for team_id in team_ids:
            shown.update(node.id for node in self.ancestors(team_id))
        return shown

    def _sum_subtrees(self) -> dict[int, int]:
        totals = {node.id: node.headcount for node in self.nodes.values()}
        for node, _depth in reversed(self.depth_first()):
            if node.parent_id in totals:
                totals[node.parent_id] += totals[node.id]
        return totals


def _matches(node: TeamNode, needle: str) -> bool:
    return needle in node.name.casefold() or needle in (node.external_id or "").casefold()
