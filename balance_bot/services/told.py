"""A notice the chats are told once, not at every poll, and again only after a re-check.

BTCTurk down, the live feed's login refused, the history's permission missing: each is told
when it begins, not at every poll while it lasts, nor again after a restart. Its re-check
rule (a poll, a login or a read that worked) ends it; the next time it begins is news again.

What was told is kept in the store's meta table, one key per detail (`<name>_<detail>`; the
first detail's presence means "told"), so an older version reads the same keys. It is read
once; after that this object is the only writer, and answers from memory.
"""

from __future__ import annotations

from balance_bot.store.store import Store

Told = dict[str, str | None]


class ToldOnce:
    """One notice's latch: told once, stored, and armed again when its re-check passed."""

    def __init__(self, store: Store, name: str, details: tuple[str, ...] = ("told",)) -> None:
        """`details` name what is kept with it (the first one is always stored: "1" unless
        given)."""
        if not details:
            raise ValueError("a told-once notice keeps at least one detail")
        self._store = store
        self._keys = {detail: f"{name}_{detail}" for detail in details}
        self._first = details[0]
        self._told: Told | None = None
        self._loaded = False

    async def told(self) -> Told | None:
        """Return the details it was told with; None when it was not told (or was forgotten)."""
        if not self._loaded:
            stored = await self._store.get_metas(self._keys.values())
            values = {detail: stored[key] for detail, key in self._keys.items()}
            self._told = values if values[self._first] is not None else None
            self._loaded = True
        return self._told

    async def tell(self, **details: str | None) -> bool:
        """Store it as told with `details`; return False, storing nothing, when it already was."""
        unknown = set(details) - set(self._keys)
        if unknown:
            raise ValueError(f"not a detail of this notice: {sorted(unknown)}")
        if await self.told() is not None:
            return False
        told: Told = {detail: details.get(detail) for detail in self._keys}
        told[self._first] = told[self._first] or "1"
        await self._store.set_metas({self._keys[d]: value for d, value in told.items()})
        self._told = told
        return True

    async def forget(self) -> None:
        """Forget it was told: the next time it begins is news."""
        if await self.told() is None:
            return
        await self._store.set_metas(dict.fromkeys(self._keys.values()))
        self._told = None

    async def news(self, holds: bool, *, cleared: bool) -> bool:
        """Apply the rule every such notice follows; return True once, when it is to be told.

        `holds`: the condition to tell is true now (it is stored as told). `cleared`: its
        re-check passed (a login, a read or a poll that worked): what was told is forgotten,
        unless it holds again already.
        """
        told = await self.told() is not None
        if holds and not told:
            return await self.tell()
        if told and cleared and not holds:
            await self.forget()
        return False
