"""Placeholder: custom autograd Functions."""


class Function:
    pass
