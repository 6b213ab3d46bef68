"""``symgrad.cuda``: symgrad holds tensors on the CPU; accelerators come through JAX."""


def is_available():
    """False: symgrad tensors live on the CPU.

    >>> import symgrad as sg
    >>> sg.cuda.is_available()
    False
    """
    return False


def device_count():
    return 0
