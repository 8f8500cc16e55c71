"""Identity numbers of the Indonesian population register: NIK and No. KK (parse, check, generate)."""
