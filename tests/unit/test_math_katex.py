"""KaTeX's list of supported functions and environments, each rendered to MathML by chalk.

The table below is KaTeX's own: every row of its documentation's support table
(docs/support_table.md of KaTeX/KaTeX, "This is a list of TeX functions, sorted
alphabetically") that KaTeX marks as supported, with the formula the documentation
renders for it (D: display, I: inline). Three rows are left out because the docs show
deliberately incomplete fragments there (``\\begingroup a}``, ``{a\\endgroup``,
``s\\hspace7ex k``). KaTeX's documentation is MIT-licensed (Khan Academy and other
contributors).
"""

from __future__ import annotations

import re

import pytest

from chalk.markdown.katex import KatexEngine, MathError
from chalk.markdown.math import tex_to_mathml
from support.html import parse_html

MATHML = "{http://www.w3.org/1998/Math/MathML}"

SUPPORT_TABLE = r"""
I	\!	n!
I	\\!	a\!b
I	#	\def\sqr#1{#1^2} \sqr{y}
I	\#	\#
I	\%	\%
I	&	\begin{matrix} a & b\cr c & d \end{matrix}
I	\&	\&
I	'	'
I	\\'	\text{\'{a}}
I	(	(
I	)	)
I	\\(…\\)	\text{\(\frac a b\)}
I	\ 	a\ b
I	\"	\text{\"{a}}
I	\$	\text{\textdollar}
I	\,	a\,\,{b}
I	\.	\text{\.{a}}
I	\:	a\:\:{b}
I	\;	a\;\;{b}
I	_	x_i
I	\_	\_
I	\\`	\text{\`{a}}
I	&#060;	<
I	\=	\text{\={a}}
I	 >	>
I	\>	a\>\>{b}
I	\[	[
I	\]	]
I	{	{a}
I	}	{a}
I	\{	\{
I	\}	\}
I	&#124;	\vert
I	\&#124;	\Vert
I	~	\text{no~no~no~breaks}
I	\~	\text{\~{a}}
I	\\ 	\begin{matrix} a & b\\ c & d\end{matrix}
I	^	x^i
I	\^	\text{\^{a}}
I	\AA	\text{\AA}
I	\aa	\text{\aa}
I	\above	{a \above{2pt} b+1}
I	\acute	\acute e
I	\AE	\text{\AE}
I	\ae	\text{\ae}
I	\alef	\alef
I	\alefsym	\alefsym
I	\aleph	\aleph
D	{align}	\begin{align}a&=b+c\\d+e&=f\end{align}
D	{align\*}	\begin{align*}a&=b+c\\d+e&=f\end{align*}
I	{aligned}	\begin{aligned}a&=b+c\\d+e&=f\end{aligned}
D	{alignat}	\begin{alignat}{2}10&x+&3&y=2\\3&x+&13&y=4\end{alignat}
D	{alignat\*}	\begin{alignat*}{2}10&x+&3&y=2\\3&x+&13&y=4\end{alignat*}
I	{alignedat}	\begin{alignedat}{2}10&x+&3&y=2\\3&x+&13&y=4\end{alignedat}
I	\Alpha	\Alpha
I	\alpha	\alpha
I	\amalg	\amalg
I	\And	\And
I	\angl	a_{\angl n}
I	\angln	a_\angln
I	\angle	\angle
I	\approx	\approx
I	\approxeq	\approxeq
I	\approxcolon	\approxcolon
I	\approxcoloncolon	\approxcoloncolon
I	\arccos	\arccos
I	\arcctg	\arcctg
I	\arcsin	\arcsin
I	\arctan	\arctan
I	\arctg	\arctg
I	\arg	\arg
I	\argmax	\argmax
I	\argmin	\argmin
I	{array}	\begin{array}{cc}a&b\\c&d\end{array}
I	\arraystretch	\def\arraystretch{1.5}\begin{array}{cc}a&b\\c&d\end{array}
I	\ast	\ast
I	\asymp	\asymp
I	\atop	{a \atop b}
I	\backepsilon	\backepsilon
I	\backprime	\backprime
I	\backsim	\backsim
I	\backsimeq	\backsimeq
I	\backslash	\backslash
I	\bar	\bar{y}
I	\barwedge	\barwedge
I	\Bbb	\Bbb{ABC}
I	\Bbbk	\Bbbk
I	\bcancel	\bcancel{5}
I	\because	\because
I	\begin	\begin{matrix} a & b\\ c & d\end{matrix}
I	\Beta	\Beta
I	\beta	\beta
I	\beth	\beth
I	\between	\between
I	\bf	\bf AaBb12
I	\big	\big(\big)
I	\Big	\Big(\Big)
I	\bigcap	\bigcap
I	\bigcirc	\bigcirc
I	\bigcup	\bigcup
I	\bigg	\bigg(\bigg)
I	\Bigg	\Bigg(\Bigg)
I	\biggl	\biggl(
I	\Biggl	\Biggl(
I	\biggm	\biggm\vert
I	\Biggm	\Biggm\vert
I	\biggr	\biggr)
I	\Biggr	\Biggr)
I	\bigl	\bigl(
I	\Bigl	\Bigl(
I	\bigm	\bigm\vert
I	\Bigm	\Bigm\vert
I	\bigodot	\bigodot
I	\bigoplus	\bigoplus
I	\bigotimes	\bigotimes
I	\bigr	\bigr)
I	\Bigr	\Bigr)
I	\bigsqcup	\bigsqcup
I	\bigstar	\bigstar
I	\bigtriangledown	\bigtriangledown
I	\bigtriangleup	\bigtriangleup
I	\biguplus	\biguplus
I	\bigvee	\bigvee
I	\bigwedge	\bigwedge
I	\binom	\binom n k
I	\blacklozenge	\blacklozenge
I	\blacksquare	\blacksquare
I	\blacktriangle	\blacktriangle
I	\blacktriangledown	\blacktriangledown
I	\blacktriangleleft	\blacktriangleleft
I	\blacktriangleright	\blacktriangleright
I	\bm	\bm{AaBb}
I	{Bmatrix}	\begin{Bmatrix}a&b\\c&d\end{Bmatrix}
I	{Bmatrix*}	\begin{Bmatrix*}[r]0&-1\\-1&0\end{Bmatrix*}
I	{bmatrix}	\begin{bmatrix}a&b\\c&d\end{bmatrix}
I	{bmatrix*}	\begin{bmatrix*}[r]0&-1\\-1&0\end{bmatrix*}
I	\bmod	a \bmod b
I	\bold	\bold{AaBb123}
I	\boldsymbol	\boldsymbol{AaBb}
I	\bot	\bot
I	\bowtie	\bowtie
I	\Box	\Box
I	\boxdot	\boxdot
I	\boxed	\boxed{ab}
I	\boxminus	\boxminus
I	\boxplus	\boxplus
I	\boxtimes	\boxtimes
I	\Bra	\Bra{\psi}
I	\bra	\bra{\psi}
I	\braket	\braket{\phi|\psi}
I	\Braket	\Braket{ ϕ | \frac{∂^2}{∂ t^2} | ψ }
I	\brace	{n\brace k}
I	\brack	{n\brack k}
I	\breve	\breve{eu}
I	\bull	\bull
I	\bullet	\bullet
I	\Bumpeq	\Bumpeq
I	\bumpeq	\bumpeq
I	\cal	\cal AaBb123
I	\cancel	\cancel{5}
I	\Cap	\Cap
I	\cap	\cap
I	{cases}	\begin{cases}a&\text{if }b\\c&\text{if }d\end{cases}
D	{CD}	\begin{CD}A @>a>> B \\@VbVV @AAcA\\C @= D\end{CD}
I	\cdot	\cdot
I	\cdotp	\cdotp
I	\cdots	\cdots
I	\ce 	{\mathrm{C}{\vphantom{X}}_{\smash[t]{6}}\mathrm{H}{\vphantom{X}}_{\smash[t]{5}}{-}\mathrm{CHO}}
I	\centerdot	a\centerdot b
I	\cfrac	\cfrac{2}{1+\cfrac{2}{1+\cfrac{2}{1}}}
I	\char	\char"263a
I	\check	\check{oe}
I	\ch	\ch
I	\checkmark	\checkmark
I	\Chi	\Chi
I	\chi	\chi
I	\choose	{n+1 \choose k+2}
I	\circ	\circ
I	\circeq	\circeq
I	\circlearrowleft	\circlearrowleft
I	\circlearrowright	\circlearrowright
I	\circledast	\circledast
I	\circledcirc	\circledcirc
I	\circleddash	\circleddash
I	\circledR	\circledR
I	\circledS	\circledS
I	\clubs	\clubs
I	\clubsuit	\clubsuit
I	\cnums	\cnums
I	\colon	\colon
I	\Colonapprox	\Colonapprox
I	\colonapprox	\colonapprox
I	\coloncolon	\coloncolon
I	\coloncolonapprox	\coloncolonapprox
I	\coloncolonequals	\coloncolonequals
I	\coloncolonminus	\coloncolonminus
I	\coloncolonsim	\coloncolonsim
I	\Coloneq	\Coloneq
I	\coloneq	\coloneq
I	\colonequals	\colonequals
I	\Coloneqq	\Coloneqq
I	\coloneqq	\coloneqq
I	\colonminus	\colonminus
I	\Colonsim	\Colonsim
I	\colonsim	\colonsim
I	\color	\color{#0000FF} AaBb123
I	\colorbox	\colorbox{red}{Black on red}
I	\complement	\complement
I	\Complex	\Complex
I	\cong	\cong
I	\coprod	\coprod
I	\copyright	\copyright
I	\cos	\cos
I	\cosec	\cosec
I	\cosh	\cosh
I	\cot	\cot
I	\cotg	\cotg
I	\coth	\coth
I	\cr	\begin{matrix} a & b\cr c & d \end{matrix}
I	\csc	\csc
I	\ctg	\ctg
I	\cth	\cth
I	\Cup	\Cup
I	\cup	\cup
I	\curlyeqprec	\curlyeqprec
I	\curlyeqsucc	\curlyeqsucc
I	\curlyvee	\curlyvee
I	\curlywedge	\curlywedge
I	\curvearrowleft	\curvearrowleft
I	\curvearrowright	\curvearrowright
I	\dag	\dag
I	\Dagger	\Dagger
I	\dagger	\dagger
I	\daleth	\daleth
I	\Darr	\Darr
I	\dArr	\dArr
I	\darr	\darr
I	\dashleftarrow	\dashleftarrow
I	\dashrightarrow	\dashrightarrow
I	\dashv	\dashv
I	\dbinom	\dbinom n k
I	\dblcolon	\dblcolon
I	{dcases}	\begin{dcases}a&\text{if }b\\c&\text{if }d\end{dcases}
I	\ddag	\ddag
I	\ddagger	\ddagger
I	\ddddot	\ddddot x
I	\dddot	\dddot x
I	\ddot	\ddot x
I	\ddots	\ddots
I	\def	\def\foo{x^2} \foo + \foo
I	\deg	\deg
I	\degree	\degree
I	\delta	\delta
I	\Delta	\Delta
I	\det	\det
I	\digamma	\digamma
I	\dfrac	\dfrac{a-1}{b-1}
I	\diagdown	\diagdown
I	\diagup	\diagup
I	\Diamond	\Diamond
I	\diamond	\diamond
I	\diamonds	\diamonds
I	\diamondsuit	\diamondsuit
I	\dim	\dim
I	\displaystyle	\displaystyle\sum_0^n
I	\div	\div
I	\divideontimes	\divideontimes
I	\dot	\dot x
I	\Doteq	\Doteq
I	\doteq	\doteq
I	\doteqdot	\doteqdot
I	\dotplus	\dotplus
I	\dots	x_1 + \dots + x_n
I	\dotsb	x_1 +\dotsb + x_n
I	\dotsc	x,\dotsc,y
D	\dotsi	\int_{A_1}\int_{A_2}\dotsi
I	\dotsm	x_1 x_2 \dotsm x_n
I	\dotso	\dotso
I	\doublebarwedge	\doublebarwedge
I	\doublecap	\doublecap
I	\doublecup	\doublecup
I	\Downarrow	\Downarrow
I	\downarrow	\downarrow
I	\downdownarrows	\downdownarrows
I	\downharpoonleft	\downharpoonleft
I	\downharpoonright	\downharpoonright
I	{drcases}	\begin{drcases}a&\text{if }b\\c&\text{if }d\end{drcases}
I	\edef	\def\foo{a}\edef\fcopy{\foo}\def\foo{}\fcopy
I	\ell	\ell
I	\emph	\emph{nested \emph{emphasis}}
I	\empty	\empty
I	\emptyset	\emptyset
I	\end	\begin{matrix} a & b\\ c & d\end{matrix}
I	\enspace	a\enspace b
I	\Epsilon	\Epsilon
I	\epsilon	\epsilon
I	\eqcirc	\eqcirc
I	\Eqcolon	\Eqcolon
I	\eqcolon	\eqcolon
D	{equation}	\begin{equation}a = b + c\end{equation}
D	{equation*}	\begin{equation*}a = b + c\end{equation*}
I	\Eqqcolon	\Eqqcolon
I	\eqqcolon	\eqqcolon
I	\eqsim	\eqsim
I	\eqslantgtr	\eqslantgtr
I	\eqslantless	\eqslantless
I	\equalscolon	\equalscolon
I	\equalscoloncolon	\equalscoloncolon
I	\equiv	\equiv
I	\Eta	\Eta
I	\eta	\eta
I	\eth	\eth
I	\exist	\exist
I	\exists	\exists
I	\exp	\exp
I	\fallingdotseq	\fallingdotseq
I	\fbox	\fbox{Hi there!}
I	\fcolorbox	\fcolorbox{red}{aqua}{A}
I	\Finv	\Finv
I	\flat	\flat
I	\footnotesize	\footnotesize footnotesize
I	\forall	\forall
I	\frac	\frac a b
I	\frak	\frak{AaBb}
I	\frown	\frown
I	\Game	\Game
I	\Gamma	\Gamma
I	\gamma	\gamma
D	{gather}	\begin{gather}a=b\\e=b+c\end{gather}
I	{gathered}	\begin{gathered}a=b\\e=b+c\end{gathered}
I	\gcd	\gcd
I	\gdef	\gdef\sqr#1{#1^2} \sqr{y} + \sqr{y}
I	\ge	\ge
I	\genfrac	\genfrac ( ] {2pt}{0}a{a+1}
I	\geq	\geq
I	\geqq	\geqq
I	\geqslant	\geqslant
I	\gets	\gets
I	\gg	\gg
I	\ggg	\ggg
I	\gggtr	\gggtr
I	\gimel	\gimel
I	\global	\global\def\add#1#2{#1+#2} \add 2 3
I	\gnapprox	\gnapprox
I	\gneq	\gneq
I	\gneqq	\gneqq
I	\gnsim	\gnsim
I	\grave	\grave{eu}
I	\gt	a \gt b
I	\gtrdot	\gtrdot
I	\gtrapprox	\gtrapprox
I	\gtreqless	\gtreqless
I	\gtreqqless	\gtreqqless
I	\gtrless	\gtrless
I	\gtrsim	\gtrsim
I	\gvertneqq	\gvertneqq
I	\H	\text{\H{a}}
I	\Harr	\Harr
I	\hArr	\hArr
I	\harr	\harr
I	\hat	\hat{\theta}
I	\hbar	\hbar
I	\hbox	\hbox{$x^2$}
I	\hdashline	\begin{matrix}a&b\\ \hdashline c &d\end{matrix}
I	\hearts	\hearts
I	\heartsuit	\heartsuit
I	\hline	\begin{matrix}a&b\\ \hline c &d\end{matrix}
I	\hom	\hom
I	\hookleftarrow	\hookleftarrow
I	\hookrightarrow	\hookrightarrow
I	\hphantom	a\hphantom{bc}d
I	\href	\href{https://katex.org/}{\KaTeX}
I	\hskip	w\hskip1em i\hskip2em d
I	\hslash	\hslash
I	\htmlClass	\htmlClass{foo}{x}
I	\htmlData	\htmlData{foo=a, bar=b}{x}
I	\htmlId	\htmlId{bar}{x}
I	\htmlStyle	\htmlStyle{color: red;}{x}
I	\huge	\huge huge
I	\Huge	\Huge Huge
I	\i	\text{\i}
I	\iff	A\iff B
I	\iiint	\iiint
I	\iint	\iint
I	\Im	\Im
I	\image	\image
I	\imageof	\imageof
I	\imath	\imath
I	\impliedby	P\impliedby Q
I	\implies	P\implies Q
I	\in	\in
I	\includegraphics	\includegraphics[height=0.8em, totalheight=0.9em, width=0.9em, alt=KA logo]{https://cdn.kastatic.org/images/apple-touch-icon-57x57-precomposed.new.png}
I	\inf	\inf
I	\infin	\infin
I	\infty	\infty
I	\injlim	\injlim
I	\int	\int
I	\intercal	\intercal
I	\intop	\intop
I	\Iota	\Iota
I	\iota	\iota
I	\isin	\isin
I	\it	{\it AaBb}
I	\j	\text{\j}
I	\jmath	\jmath
I	\Join	\Join
I	\Kappa	\Kappa
I	\kappa	\kappa
I	\KaTeX	\KaTeX
I	\ker	\ker
I	\kern	I\kern-2.5pt R
I	\Ket	\Ket{\psi}
I	\ket	\ket{\psi}
I	\Lambda	\Lambda
I	\lambda	\lambda
I	\land	\land
I	\lang	\lang A\rangle
I	\langle	\langle A\rangle
I	\Larr	\Larr
I	\lArr	\lArr
I	\larr	\larr
I	\large	\large large
I	\Large	\Large Large
I	\LARGE	\LARGE LARGE
I	\LaTeX	\LaTeX
I	\lBrace	\lBrace
I	\lbrace	\lbrace
I	\lbrack	\lbrack
I	\lceil	\lceil
I	\ldotp	\ldotp
I	\ldots	\ldots
I	\le	\le
I	\leadsto	\leadsto
I	\left	\left\lbrace \dfrac ab \right.
I	\leftarrow	\leftarrow
I	\Leftarrow	\Leftarrow
I	\leftarrowtail	\leftarrowtail
I	\leftharpoondown	\leftharpoondown
I	\leftharpoonup	\leftharpoonup
I	\leftleftarrows	\leftleftarrows
I	\Leftrightarrow	\Leftrightarrow
I	\leftrightarrow	\leftrightarrow
I	\leftrightarrows	\leftrightarrows
I	\leftrightharpoons	\leftrightharpoons
I	\leftrightsquigarrow	\leftrightsquigarrow
I	\leftthreetimes	\leftthreetimes
I	\leq	\leq
I	\leqq	\leqq
I	\leqslant	\leqslant
I	\lessapprox	\lessapprox
I	\lessdot	\lessdot
I	\lesseqgtr	\lesseqgtr
I	\lesseqqgtr	\lesseqqgtr
I	\lessgtr	\lessgtr
I	\lesssim	\lesssim
I	\lfloor	\lfloor
I	\lg	\lg
I	\lgroup	\lgroup
I	\lhd	\lhd
I	\lim	\lim
I	\liminf	\liminf
I	\limits	\lim\limits_x
I	\limsup	\limsup
I	\ll	\ll
I	\llap	{=}\llap{/\,}
I	\llbracket	\llbracket
I	\llcorner	\llcorner
I	\Lleftarrow	\Lleftarrow
I	\lll	\lll
I	\llless	\llless
I	\lmoustache	\lmoustache
I	\ln	\ln
I	\lnapprox	\lnapprox
I	\lneq	\lneq
I	\lneqq	\lneqq
I	\lnot	\lnot
I	\lnsim	\lnsim
I	\log	\log
I	\Longleftarrow	\Longleftarrow
I	\longleftarrow	\longleftarrow
I	\Longleftrightarrow	\Longleftrightarrow
I	\longleftrightarrow	\longleftrightarrow
I	\longmapsto	\longmapsto
I	\Longrightarrow	\Longrightarrow
I	\longrightarrow	\longrightarrow
I	\looparrowleft	\looparrowleft
I	\looparrowright	\looparrowright
I	\lor	\lor
I	\lozenge	\lozenge
I	\lparen	\lparen
I	\Lrarr	\Lrarr
I	\lrArr	\lrArr
I	\lrarr	\lrarr
I	\lrcorner	\lrcorner
I	\lq	\lq
I	\Lsh	\Lsh
I	\lt	\lt
I	\ltimes	\ltimes
I	\lVert	\lVert
I	\lvert	\lvert
I	\lvertneqq	\lvertneqq
I	\maltese	\maltese
I	\mapsto	\mapsto
I	\mathbb	\mathbb{AB}
I	\mathbf	\mathbf{AaBb123}
I	\mathbin	a\mathbin{!}b
I	\mathcal	\mathcal{AaBb123}
I	\mathchoice	a\mathchoice{\,}{\,\,}{\,\,\,}{\,\,\,\,}b
I	\mathclap	\displaystyle\sum_{\mathclap{1\le i\le n}} x_{i}
I	\mathclose	a + (b\mathclose\gt + c
I	\mathellipsis	\mathellipsis
I	\mathfrak	\mathfrak{AaBb}
I	\mathinner	ab\mathinner{\text{inside}}cd
I	\mathit	\mathit{AaBb}
I	\mathllap	{=}\mathllap{/\,}
I	\mathnormal	\mathnormal{AaBb}
I	\mathop	\mathop{\star}_a^b
I	\mathopen	a + \mathopen\lt b) + c
I	\mathord	1\mathord{,}234{,}567
I	\mathpunct	A\mathpunct{-}B
I	\mathrel	a \mathrel{\#} b
I	\mathrlap	\mathrlap{\,/}{=}
I	\mathring	\mathring{a}
I	\mathrm	\mathrm{AaBb123}
I	\mathscr	\mathscr{AB}
I	\mathsf	\mathsf{AaBb123}
I	\mathsterling	\mathsterling
I	\mathstrut	\sqrt{\mathstrut a}
I	\mathtt	\mathtt{AaBb123}
I	{matrix}	\begin{matrix}a&b\\c&d\end{matrix}
I	{matrix*}	\begin{matrix*}[r]0&-1\\-1&0\end{matrix*}
I	\max	\max
I	\measuredangle	\measuredangle
I	\medspace	a\medspace b
I	\mho	\mho
I	\mid	\{x∈ℝ\mid x>0\}
I	\middle	P\left(A\middle\vert B\right)
I	\min	\min
I	\minuscolon	\minuscolon
I	\minuscoloncolon	\minuscoloncolon
I	\minuso	\minuso
I	\mkern	a\mkern18mu b
I	\mod	3\equiv 5 \mod 2
I	\models	\models
I	\mp	\mp
I	\mskip	a\mskip{10mu}b
I	\Mu	\Mu
I	\mu	\mu
I	\multimap	\multimap
I	\N	\N
I	\nabla	\nabla
I	\natnums	\natnums
I	\natural	\natural
I	\negmedspace	a\negmedspace b
I	\ncong	\ncong
I	\ne	\ne
I	\nearrow	\nearrow
I	\neg	\neg
I	\negthickspace	a\negthickspace b
I	\negthinspace	a\negthinspace b
I	\neq	\neq
I	\newcommand	\newcommand\chk{\checkmark} \chk
I	\newline	a\newline b
I	\nexists	\nexists
I	\ngeq	\ngeq
I	\ngeqq	\ngeqq
I	\ngeqslant	\ngeqslant
I	\ngtr	\ngtr
I	\ni	\ni
I	\nleftarrow	\nleftarrow
I	\nLeftarrow	\nLeftarrow
I	\nLeftrightarrow	\nLeftrightarrow
I	\nleftrightarrow	\nleftrightarrow
I	\nleq	\nleq
I	\nleqq	\nleqq
I	\nleqslant	\nleqslant
I	\nless	\nless
I	\nmid	\nmid
I	\nobreakspace	a\nobreakspace b
I	\nolimits	\lim\nolimits_x
D	\nonumber	\begin{align}a&=b+c\nonumber\\d+e&=f\end{align}
I	\normalsize	\normalsize normalsize
I	\not	\not =
D	\notag	\begin{align}a&=b+c\notag\\d+e&=f\end{align}
I	\notin	\notin
I	\notni	\notni
I	\nparallel	\nparallel
I	\nprec	\nprec
I	\npreceq	\npreceq
I	\nRightarrow	\nRightarrow
I	\nrightarrow	\nrightarrow
I	\nshortmid	\nshortmid
I	\nshortparallel	\nshortparallel
I	\nsim	\nsim
I	\nsubseteq	\nsubseteq
I	\nsubseteqq	\nsubseteqq
I	\nsucc	\nsucc
I	\nsucceq	\nsucceq
I	\nsupseteq	\nsupseteq
I	\nsupseteqq	\nsupseteqq
I	\ntriangleleft	\ntriangleleft
I	\ntrianglelefteq	\ntrianglelefteq
I	\ntriangleright	\ntriangleright
I	\ntrianglerighteq	\ntrianglerighteq
I	\Nu	\Nu
I	\nu	\nu
I	\nVDash	\nVDash
I	\nVdash	\nVdash
I	\nvDash	\nvDash
I	\nvdash	\nvdash
I	\nwarrow	\nwarrow
I	\O	\text{\O}
I	\o	\text{\o}
I	\odot	\odot
I	\OE	\text{\OE}
I	\oe	\text{\oe}
I	\oiiint	\oiiint
I	\oiint	\oiint
I	\oint	\oint
I	\omega	\omega
I	\Omega	\Omega
I	\Omicron	\Omicron
I	\omicron	\omicron
I	\ominus	\ominus
I	\operatorname	\operatorname{asin} x
I	\operatorname\*	\operatorname*{asin}\limits_y x
I	\operatornamewithlimits	\operatornamewithlimits{asin}\limits_y x
I	\oplus	\oplus
I	\origof	\origof
I	\oslash	\oslash
I	\otimes	\otimes
I	\over	{a+1 \over b+2}+c
I	\overbrace	\overbrace{x+⋯+x}^{n\text{ times}}
I	\overbracket	\overbracket{x+⋯+x}^{n\text{ times}}
I	\overgroup	\overgroup{AB}
I	\overleftarrow	\overleftarrow{AB}
I	\overleftharpoon	\overleftharpoon{AB}
I	\overleftrightarrow	\overleftrightarrow{AB}
I	\overline	\overline{\text{a long argument}}
I	\overlinesegment	\overlinesegment{AB}
I	\Overrightarrow	\Overrightarrow{AB}
I	\overrightarrow	\overrightarrow{AB}
I	\overrightharpoon	\overrightharpoon{ac}
I	\overset	\overset{!}{=}
I	\owns	\owns
I	\P	\text{\P}
I	\parallel	\parallel
I	\partial	\partial
I	\perp	\perp
I	\phantom	\Gamma^{\phantom{i}j}_{i\phantom{j}k}
I	\phase	\phase{-78^\circ}
I	\Phi	\Phi
I	\phi	\phi
I	\Pi	\Pi
I	\pi	\pi
I	\pitchfork	\pitchfork
I	\plim	\plim
I	\plusmn	\plusmn
I	\pm	\pm
I	{pmatrix}	\begin{pmatrix}a&b\\c&d\end{pmatrix}
I	{pmatrix*}	\begin{pmatrix*}[r]0&-1\\-1&0\end{pmatrix*}
I	\pmb	\pmb{\mu}
I	\pmod	x\pmod a
I	\pod	x \pod a
I	\pounds	\pounds
I	\Pr	\Pr
I	\prec	\prec
I	\precapprox	\precapprox
I	\preccurlyeq	\preccurlyeq
I	\preceq	\preceq
I	\precnapprox	\precnapprox
I	\precneqq	\precneqq
I	\precnsim	\precnsim
I	\precsim	\precsim
I	\prime	\prime
I	\prod	\prod
I	\projlim	\projlim
I	\propto	\propto
I	\providecommand	\providecommand\greet{\text{Hello}} \greet
I	\psi	\psi
I	\Psi	\Psi
I	\pu 	{123~\mathchoice{\textstyle\frac{\mathrm{kJ}}{\mathrm{mol}}}{\frac{\mathrm{kJ}}{\mathrm{mol}}}{\frac{\mathrm{kJ}}{\mathrm{mol}}}{\frac{\mathrm{kJ}}{\mathrm{mol}}}}
I	\qquad	a\qquad\qquad{b}
I	\quad	a\quad\quad{b}
I	\R	\R
I	\r	\text{\r{a}}
I	\raisebox	h\raisebox{2pt}{ighe}r
I	\rang	\langle A\rang
I	\rangle	\langle A\rangle
I	\Rarr	\Rarr
I	\rArr	\rArr
I	\rarr	\rarr
I	\ratio	\ratio
I	\rBrace	\rBrace
I	\rbrace	\rbrace
I	\rbrack	\rbrack
I	{rcases}	\begin{rcases}a&\text{if }b\\c&\text{if }d\end{rcases}
I	\rceil	\rceil
I	\Re	\Re
I	\real	\real
I	\Reals	\Reals
I	\reals	\reals
I	\renewcommand	\def\hail{Hi!}\renewcommand\hail{\text{Ahoy!}} \hail
I	\restriction	\restriction
I	\rfloor	\rfloor
I	\rgroup	\rgroup
I	\rhd	\rhd
I	\Rho	\Rho
I	\rho	\rho
I	\right	\left.\dfrac a b\right)
I	\Rightarrow	\Rightarrow
I	\rightarrow	\rightarrow
I	\rightarrowtail	\rightarrowtail
I	\rightharpoondown	\rightharpoondown
I	\rightharpoonup	\rightharpoonup
I	\rightleftarrows	\rightleftarrows
I	\rightleftharpoons	\rightleftharpoons
I	\rightrightarrows	\rightrightarrows
I	\rightsquigarrow	\rightsquigarrow
I	\rightthreetimes	\rightthreetimes
I	\risingdotseq	\risingdotseq
I	\rlap	\rlap{\,/}{=}
I	\rm	\rm AaBb12
I	\rmoustache	\rmoustache
I	\rparen	\rparen
I	\rq	\rq
I	\rrbracket	\rrbracket
I	\Rrightarrow	\Rrightarrow
I	\Rsh	\Rsh
I	\rtimes	\rtimes
I	\rule	x\rule[6pt]{2ex}{1ex}x
I	\rVert	\rVert
I	\rvert	\rvert
I	\S	\text{\S}
I	\scriptscriptstyle	\scriptscriptstyle \frac cd
I	\scriptsize	\scriptsize scriptsize
I	\scriptstyle	\frac ab + {\scriptstyle \frac cd}
I	\sdot	\sdot
I	\searrow	\searrow
I	\sec	\sec
I	\sect	\text{\sect}
I	\set	\set{x| x<5}
I	\Set	\Set{ x | x<\frac 1 2 }
I	\setminus	\setminus
I	\sf	\sf AaBb123
I	\sharp	\sharp
I	\shortmid	\shortmid
I	\shortparallel	\shortparallel
I	\Sigma	\Sigma
I	\sigma	\sigma
I	\sim	\sim
I	\simcolon	\simcolon
I	\simcoloncolon	\simcoloncolon
I	\simeq	\simeq
I	\sin	\sin
I	\sinh	\sinh
I	\sixptsize	\sixptsize sixptsize
I	\sh	\sh
I	\small	\small small
I	\smallfrown	\smallfrown
I	\smallint	\smallint
I	{smallmatrix}	\begin{smallmatrix} a & b \\ c & d \end{smallmatrix}
I	\smallsetminus	\smallsetminus
I	\smallsmile	\smallsmile
I	\smash	\left(x^{\smash{2}}\right)
I	\smile	\smile
I	\sout	\text{\sout{abc}}
I	\space	a\space b
I	\spades	\spades
I	\spadesuit	\spadesuit
I	\sphericalangle	\sphericalangle
D	{split}	\begin{equation}\begin{split}a &=b+c\\&=e+f\end{split}\end{equation}
I	\sqcap	\sqcap
I	\sqcup	\sqcup
I	\square	\square
I	\sqrt	\sqrt[3]{x}
I	\sqsubset	\sqsubset
I	\sqsubseteq	\sqsubseteq
I	\sqsupset	\sqsupset
I	\sqsupseteq	\sqsupseteq
I	\ss	\text{\ss}
I	\stackrel	\stackrel{!}{=}
I	\star	\star
I	\sub	\sub
I	\sube	\sube
I	\Subset	\Subset
I	\subset	\subset
I	\subseteq	\subseteq
I	\subseteqq	\subseteqq
I	\subsetneq	\subsetneq
I	\subsetneqq	\subsetneqq
D	\substack	\sum_{\substack{0<i<m\\0<j<n}}
I	\succ	\succ
I	\succapprox	\succapprox
I	\succcurlyeq	\succcurlyeq
I	\succeq	\succeq
I	\succnapprox	\succnapprox
I	\succneqq	\succneqq
I	\succnsim	\succnsim
I	\succsim	\succsim
I	\sum	\sum
I	\sup	\sup
I	\supe	\supe
I	\Supset	\Supset
I	\supset	\supset
I	\supseteq	\supseteq
I	\supseteqq	\supseteqq
I	\supsetneq	\supsetneq
I	\supsetneqq	\supsetneqq
I	\surd	\surd
I	\swarrow	\swarrow
D	\tag	\tag{3.1c} a^2+b^2=c^2
D	\tag*	\tag*{3.1c} a^2+b^2=c^2
I	\tan	\tan
I	\tanh	\tanh
I	\Tau	\Tau
I	\tau	\tau
I	\tbinom	\tbinom n k
I	\TeX	\TeX
I	\text	\text{ yes }\&\text{ no }
I	\textasciitilde	\text{\textasciitilde}
I	\textasciicircum	\text{\textasciicircum}
I	\textbackslash	\text{\textbackslash}
I	\textbar	\text{\textbar}
I	\textbardbl	\text{\textbardbl}
I	\textbf	\textbf{AaBb123}
I	\textbraceleft	\text{\textbraceleft}
I	\textbraceright	\text{\textbraceright}
I	\textcircled	\text{\textcircled a}
I	\textcolor	\textcolor{blue}{F=ma}
I	\textdagger	\text{\textdagger}
I	\textdaggerdbl	\text{\textdaggerdbl}
I	\textdegree	\text{\textdegree}
I	\textdollar	\text{\textdollar}
I	\textellipsis	\text{\textellipsis}
I	\textemdash	\text{\textemdash}
I	\textendash	\text{\textendash}
I	\textgreater	\text{\textgreater}
I	\textit	\textit{AaBb}
I	\textless	\text{\textless}
I	\textmd	\textmd{AaBb123}
I	\textnormal	\textnormal{AB}
I	\textquotedblleft	\text{\textquotedblleft}
I	\textquotedblright	\text{\textquotedblright}
I	\textquoteleft	\text{\textquoteleft}
I	\textquoteright	\text{\textquoteright}
I	\textregistered	\text{\textregistered}
I	\textrm	\textrm{AaBb123}
I	\textsf	\textsf{AaBb123}
I	\textsterling	\text{\textsterling}
I	\textstyle	\textstyle\sum_0^n
I	\texttt	\texttt{AaBb123}
I	\textunderscore	\text{\textunderscore}
I	\textup	\textup{AaBb123}
I	\tfrac	\tfrac ab
I	\tg	\tg
I	\th	\th
I	\therefore	\therefore
I	\Theta	\Theta
I	\theta	\theta
I	\thetasym	\thetasym
I	\thickapprox	\thickapprox
I	\thicksim	\thicksim
I	\thickspace	a\thickspace b
I	\thinspace	a\thinspace b
I	\tilde	\tilde M
I	\times	\times
I	\tiny	\tiny tiny
I	\to	\to
I	\top	\top
I	\triangle	\triangle
I	\triangledown	\triangledown
I	\triangleleft	\triangleleft
I	\trianglelefteq	\trianglelefteq
I	\triangleq	\triangleq
I	\triangleright	\triangleright
I	\trianglerighteq	\trianglerighteq
I	\tt	{\tt AaBb123}
I	\twoheadleftarrow	\twoheadleftarrow
I	\twoheadrightarrow	\twoheadrightarrow
I	\u	\text{\u{a}}
I	\Uarr	\Uarr
I	\uArr	\uArr
I	\uarr	\uarr
I	\ulcorner	\ulcorner
I	\underbar	\underbar{X}
I	\underbrace	\underbrace{x+⋯+x}_{n\text{ times}}
I	\underbracket	\underbracket{x+⋯+x}_{n\text{ times}}
I	\undergroup	\undergroup{AB}
I	\underleftarrow	\underleftarrow{AB}
I	\underleftrightarrow	\underleftrightarrow{AB}
I	\underrightarrow	\underrightarrow{AB}
I	\underline	\underline{\text{a long argument}}
I	\underlinesegment	\underlinesegment{AB}
I	\underrightarrow	\underrightarrow{AB}
I	\underset	\underset{!}{=}
I	\unlhd	\unlhd
I	\unrhd	\unrhd
I	\Uparrow	\Uparrow
I	\uparrow	\uparrow
I	\Updownarrow	\Updownarrow
I	\updownarrow	\updownarrow
I	\upharpoonleft	\upharpoonleft
I	\upharpoonright	\upharpoonright
I	\uplus	\uplus
I	\Upsilon	\Upsilon
I	\upsilon	\upsilon
I	\upuparrows	\upuparrows
I	\urcorner	\urcorner
I	\url	\footnotesize\url{https://katex.org/}
I	\utilde	\utilde{AB}
I	\v	\text{\v{a}}
I	\varDelta	\varDelta
I	\varepsilon	\varepsilon
I	\varGamma	\varGamma
I	\varinjlim	\varinjlim
I	\varkappa	\varkappa
I	\varLambda	\varLambda
I	\varliminf	\varliminf
I	\varlimsup	\varlimsup
I	\varnothing	\varnothing
I	\varOmega	\varOmega
I	\varPhi	\varPhi
I	\varphi	\varphi
I	\varPi	\varPi
I	\varpi	\varpi
I	\varprojlim	\varprojlim
I	\varpropto	\varpropto
I	\varPsi	\varPsi
I	\varrho	\varrho
I	\varSigma	\varSigma
I	\varsigma	\varsigma
I	\varsubsetneq	\varsubsetneq
I	\varsubsetneqq	\varsubsetneqq
I	\varsupsetneq	\varsupsetneq
I	\varsupsetneqq	\varsupsetneqq
I	\varTheta	\varTheta
I	\vartheta	\vartheta
I	\vartriangle	\vartriangle
I	\vartriangleleft	\vartriangleleft
I	\vartriangleright	\vartriangleright
I	\varUpsilon	\varUpsilon
I	\varXi	\varXi
I	\vcentcolon	\mathrel{\vcentcolon =}
I	\vcenter	a+\left(\vcenter{\frac{\frac a b}c}\right)
I	\vcenter	a+\left(\vcenter{\frac{\frac a b}c}\right)
I	\Vdash	\Vdash
I	\vDash	\vDash
I	\vdash	\vdash
I	\vdots	\vdots
I	\vec	\vec{F}
I	\vee	\vee
I	\veebar	\veebar
I	\verb	\verb!\frac a b!
I	\Vert	\Vert
I	\vert	\vert
I	{Vmatrix}	\begin{Vmatrix}a&b\\c&d\end{Vmatrix}
I	{Vmatrix*}	\begin{Vmatrix*}[r]0&-1\\-1&0\end{Vmatrix*}
I	{vmatrix}	\begin{vmatrix}a&b\\c&d\end{vmatrix}
I	{vmatrix*}	\begin{vmatrix*}[r]0&-1\\-1&0\end{vmatrix*}
I	\vphantom	\overline{\vphantom{M}a}
I	\Vvdash	\Vvdash
I	\wedge	\wedge
I	\weierp	\weierp
I	\widecheck	\widecheck{AB}
I	\widehat	\widehat{AB}
I	\widetilde	\widetilde{AB}
I	\wp	\wp
I	\wr	\wr
I	\xcancel	\xcancel{ABC}
I	\xdef	\def\foo{a}\xdef\fcopy{\foo}\def\foo{}\fcopy
I	\Xi	\Xi
I	\xi	\xi
I	\xhookleftarrow	\xhookleftarrow{abc}
I	\xhookrightarrow	\xhookrightarrow{abc}
I	\xLeftarrow	\xLeftarrow{abc}
I	\xleftarrow	\xleftarrow{abc}
I	\xleftharpoondown	\xleftharpoondown{abc}
I	\xleftharpoonup	\xleftharpoonup{abc}
I	\xLeftrightarrow	\xLeftrightarrow{abc}
I	\xleftrightarrow	\xleftrightarrow{abc}
I	\xleftrightharpoons	\xleftrightharpoons{abc}
I	\xlongequal	\xlongequal{abc}
I	\xmapsto	\xmapsto{abc}
I	\xRightarrow	\xRightarrow{abc}
I	\xrightarrow	\xrightarrow{abc}
I	\xrightharpoondown	\xrightharpoondown{abc}
I	\xrightharpoonup	\xrightharpoonup{abc}
I	\xrightleftharpoons	\xrightleftharpoons{abc}
I	\xtofrom	\xtofrom{abc}
I	\xtwoheadleftarrow	\xtwoheadleftarrow{abc}
I	\xtwoheadrightarrow	\xtwoheadrightarrow{abc}
I	\yen	\yen
I	\Z	\Z
I	\Zeta	\Zeta
I	\zeta	\zeta
"""


def _rows() -> list[tuple[str, str, bool]]:
    rows = []
    for line in SUPPORT_TABLE.strip("\n").split("\n"):
        mode, name, tex = line.split("\t", 2)
        rows.append((name, tex, mode == "D"))
    return rows


ROWS = _rows()


@pytest.fixture(scope="module")
def engine() -> KatexEngine:
    return KatexEngine()


def test_the_table_is_katexs_whole_list():
    names = {name for name, _, _ in ROWS}
    assert len(ROWS) >= 990
    for expected in (r"\arg", r"\bigg", r"\big", r"\mod", r"\choose", "{aligned}",
                     "{alignedat}", "{gather}", "{rcases}", "{CD}", r"\tag"):
        assert expected in names, expected


@pytest.mark.parametrize("name, tex, display", ROWS, ids=[f"{n} {t}"[:60] for n, t, _ in ROWS])
def test_every_supported_function_renders_to_mathml(engine, name, tex, display):
    mathml = tex_to_mathml(tex, display, engine)
    root = parse_html(f"<body>{mathml}</body>")
    [math] = list(root.iter(MATHML + "math"))
    assert (math.get("display") == "block") == display
    assert not list(math.iter(MATHML + "merror"))
    # nothing fell through as the command's own name spelled out in text
    texts = " ".join(t for t in math.itertext())
    command = re.fullmatch(r"\\([A-Za-z]{3,})", name)
    if command and not name.startswith(("\\text", "\\operatorname", "\\verb")):
        assert "\\" + command.group(1) not in texts


def test_a_command_katex_lacks_is_an_error_not_text(engine):
    with pytest.raises(MathError) as info:
        tex_to_mathml(r"\bbox[red]{x}", False, engine)
    assert "Undefined control sequence: \\bbox" in info.value.reason


@pytest.mark.parametrize("tex", [r"\href{javascript:alert(1)}{x}", r"\url{data:text/html,x}"])
def test_links_other_than_http_mailto_or_relative_are_refused(engine, tex):
    with pytest.raises(MathError) as info:
        tex_to_mathml(tex, False, engine)
    assert "is refused here" in info.value.reason
