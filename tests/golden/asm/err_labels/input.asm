(LOOP)
(1ABC)
(OPEN
(X)junk
(R0)
(LOOP)
()
@LOOP
