/* SPDX-License-Identifier: Apache-2.0 */
	CASE poweroff, case_poweroff
case_poweroff:
	movq	$1, %rax
	CHECK running, 1
	ret
