"""Running a change to see whether the rules accept it, and writing nothing."""

from collections.abc import Callable

from django.db import transaction


class _RolledBack(Exception):
    pass


def dry_run[T](change: Callable[[], T]) -> T:
    """What `change()` answers, with everything it wrote rolled back.

    A rule that says no raises its domain error as the real change would; a form checks
    its input this way through the very service that will save it, instead of a copy of
    the service's rules.
    """
    answer: list[T] = []

    def run() -> None:
        answer.append(change())
        raise _RolledBack

    try:
        with transaction.atomic():
            run()
    except _RolledBack:
        pass
    return answer[0]
