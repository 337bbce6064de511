// an escape sequence in assembly
	@1
	D=A]0;pwned
