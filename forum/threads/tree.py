"""Reply trees built from posts already ordered by path: one pass, no queries."""

from dataclasses import dataclass, field

from sqlalchemy.engine import Row


@dataclass
class Node:
    post: Row  # a post row of forum.threads.reading
    children: list["Node"] = field(default_factory=list)
    # Replies below this post that are on the page (for the collapse button's label).
    descendant_count: int = 0
    # On a thread page, for a top-level reply: its branch's replies, shown or not, and how many
    # of them are only on the branch's own page.
    branch_replies: int | None = None
    replies_elsewhere: int = 0


def build_tree(posts: list[Row]) -> list[Node]:
    """Nest posts ordered by path under their parents; posts whose parent is absent are roots."""
    nodes: dict[int, Node] = {}
    roots: list[Node] = []
    chain: list[Node] = []  # the open path from a root down to the previous post
    for post in posts:
        node = Node(post)
        nodes[post.id] = node
        parent = nodes.get(post.parent_id) if post.parent_id is not None else None
        if parent is None:
            roots.append(node)
            chain = [node]
            continue
        parent.children.append(node)
        # Depth-first order: the parent is on the chain, and everything after it is finished.
        while chain and chain[-1] is not parent:
            chain.pop()
        for ancestor in chain:
            ancestor.descendant_count += 1
        chain.append(node)
    return roots
