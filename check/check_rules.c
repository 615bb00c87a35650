/*
 * check_rules.c — the rules chatcheck's tests check, each quoted word for
 * word from the man page the servers cite: tcpchatd(1) and udpchatd(1) for
 * wire protocol v1, chatcheck(1) for what seed 003's statement asks (tp42).
 * The English text is the quotation (" … " joins two quoted sentences; the
 * tests check that each part is in the rendered page); the Spanish one is
 * its translation. Nothing here is worded twice: a rule changes in the man
 * page first, then here.
 */
#include <string.h>

#include "check.h"

#define TCPD "tcpchatd(1) PROTOCOL"
#define TCPD_DESC "tcpchatd(1) DESCRIPTION"
#define UDPD "udpchatd(1) PROTOCOL OVER UDP"
#define UDPD_DESC "udpchatd(1) DESCRIPTION"
#define TP42 "chatcheck(1) THE TP 4.2 PROTOCOL"
#define VERDICTS "chatcheck(1) VERDICTS"

static const struct check_rule rules[] = {
	{ "welcome", TCPD,
	  "On connecting, the server greets with a line that asks for a "
	  "nickname and names the commands.",
	  "Al conectar, el servidor saluda con una línea que pide un apodo y "
	  "nombra los comandos." },
	{ "lines", TCPD,
	  "Text in UTF-8, one message per line ending in \\n (\\r\\n is "
	  "accepted); a message is at most 1024 bytes.",
	  "Texto en UTF-8, un mensaje por línea terminada en \\n (se acepta "
	  "\\r\\n); un mensaje tiene como máximo 1024 bytes." },
	{ "silence", TCPD,
	  "unterminated data followed by 200 ms of silence is taken as a "
	  "whole message.",
	  "datos sin terminar seguidos de 200 ms de silencio se toman como un "
	  "mensaje completo." },
	{ "nick", TCPD,
	  "The first message is the nickname: 1 to 20 bytes of UTF-8, no "
	  "spaces or control characters, not starting with /, unique without "
	  "regard to case (Ana and ANA are the same). A rejected nickname gets "
	  "an error notice and the server waits for another.",
	  "El primer mensaje es el apodo: de 1 a 20 bytes de UTF-8, sin "
	  "espacios ni caracteres de control, que no empiece por /, único sin "
	  "distinguir mayúsculas (Ana y ANA son el mismo). Un apodo rechazado "
	  "recibe un aviso de error y el servidor espera otro." },
	{ "chat", TCPD,
	  "Every later line that does not start with / is chat, sent to every "
	  "other member (never back to the sender).",
	  "Toda línea posterior que no empiece por / es charla, enviada a "
	  "todos los demás miembros (nunca de vuelta al remitente)." },
	{ "notices", TCPD,
	  "Lines from the server that are not chat start with *** (joins, "
	  "leaves, nickname changes, errors, replies).",
	  "Las líneas del servidor que no son charla empiezan por *** "
	  "(entradas, salidas, cambios de apodo, errores, respuestas)." },
	{ "list", TCPD, "/list, /listar Who is in the chat.",
	  "/list, /listar Quién está en el chat." },
	{ "msg", TCPD, "/msg, /privado NICK TEXT A private message.",
	  "/msg, /privado APODO TEXTO Un mensaje privado." },
	{ "me", TCPD, "/me TEXT An action: * ana waves.",
	  "/me TEXTO Una acción: * ana saluda." },
	{ "nickcmd", TCPD, "/nick NEW Change nickname.",
	  "/nick NUEVO Cambiar de apodo." },
	{ "quit", TCPD,
	  "/quit, /quitar, /salir, or a bare salir Leave: the server says "
	  "goodbye and closes the connection.",
	  "/quit, /quitar, /salir, o salir a secas Salir: el servidor se "
	  "despide y cierra la conexión." },
	{ "ping", TCPD,
	  "The server answers *** pong TOKEN, to time a round trip.",
	  "El servidor responde *** pong TOKEN, para medir un viaje de ida y "
	  "vuelta." },
	{ "cap", TCPD,
	  "A longer one is answered with an error notice and dropped whole; "
	  "the stream resynchronises at the next newline and the connection "
	  "stays.",
	  "Uno más largo recibe un aviso de error y se descarta entero; el "
	  "flujo se resincroniza en el siguiente salto de línea y la conexión "
	  "sigue." },
	{ "control", TCPD,
	  "Control characters are never relayed: they arrive in caret notation "
	  "(^[ for ESC), invalid UTF-8 as U+FFFD, and bidirectional overrides "
	  "as \\u202E.",
	  "Los caracteres de control nunca se reenvían: llegan en notación de "
	  "circunflejo (^[ para ESC), el UTF-8 inválido como U+FFFD y las "
	  "marcas bidireccionales como \\u202E." },
	{ "rst", TCPD_DESC,
	  "Only a reset (RST) may cut one. … Lines from the server that are "
	  "not chat start with *** (joins, leaves, nickname changes, errors, "
	  "replies).",
	  "Solo un reinicio (RST) puede cortar una. … Las líneas del servidor "
	  "que no son charla empiezan por *** (entradas, salidas, cambios de "
	  "apodo, errores, respuestas)." },
	{ "room", TCPD_DESC,
	  "Clients connect, choose a nickname, and every line one of them "
	  "writes reaches all the others as NICK: TEXT.",
	  "Los clientes se conectan, eligen un apodo, y cada línea que uno "
	  "escribe llega a todos los demás como APODO: TEXTO." },
	{ "stall", TCPD_DESC,
	  "And no client slows the room: a client that reads more slowly than "
	  "the others write only makes its own queue grow",
	  "Y ningún cliente frena la sala: un cliente que lee más despacio de "
	  "lo que escriben los demás solo hace crecer su propia cola" },
	{ "flood", TCPD_DESC,
	  "TCP never loses an accepted message: a client that sends faster "
	  "than --rate-limit is read more slowly, never trimmed.",
	  "TCP nunca pierde un mensaje aceptado: a un cliente que envía más "
	  "rápido que --rate-limit se le lee más despacio, nunca se le "
	  "recorta." },
	{ "garbage", TCPD_DESC, "Two promises hold whatever a client does.",
	  "Dos promesas se cumplen haga lo que haga un cliente." },
	{ "survive", VERDICTS,
	  "A server survives every input the tests send: a line of any length "
	  "with or without a newline, a connection closed at once or reset in "
	  "the middle of a line, invalid UTF-8, NUL bytes, random bytes.",
	  "Un servidor sobrevive a toda entrada que envían las pruebas: una "
	  "línea de cualquier longitud con o sin salto de línea, una conexión "
	  "cerrada enseguida o reiniciada en mitad de una línea, UTF-8 "
	  "inválido, bytes NUL, bytes al azar." },
	{ "udp-nick", UDPD,
	  "From an address the server does not know (a new one, or one it "
	  "forgot: it restarted, or the member was silent past the idle "
	  "timeout), a datagram is a nickname only if it is meant as one",
	  "De una dirección que el servidor no conoce (nueva, u olvidada: se "
	  "reinició, o el miembro calló más que el tiempo de inactividad), un "
	  "datagrama es un apodo solo si se envía como tal" },
	{ "udp-chat", UDPD,
	  "Later messages are chat, relayed as NICK: TEXT to every other "
	  "member (never back to the sender)",
	  "Los mensajes siguientes son charla, reenviada como APODO: TEXTO a "
	  "todos los demás miembros (nunca de vuelta al remitente)" },
	{ "udp-cmds", UDPD,
	  "or commands: /nick, /list (/listar), /msg (/privado), /me, /help "
	  "(/ayuda), /ping, /quit (/quitar, /salir, or a bare salir).",
	  "o comandos: /nick, /list (/listar), /msg (/privado), /me, /help "
	  "(/ayuda), /ping, /quit (/quitar, /salir, o salir a secas)." },
	{ "udp-leave", UDPD_DESC,
	  "A member leaves with /quit, is removed at once when its port "
	  "answers ICMP \"port unreachable\" (its program has closed its "
	  "socket), or is removed when it has been silent for longer than the "
	  "idle timeout.",
	  "Un miembro sale con /quit, se le retira en cuanto su puerto "
	  "responde con ICMP \"puerto inalcanzable\" (su programa cerró su "
	  "socket), o cuando lleva callado más que el tiempo de inactividad." },
	{ "udp-idle", "udpchatd(1) OPTIONS",
	  "which the server states when it accepts a nickname "
	  "([idle-timeout=SECONDS]).",
	  "que el servidor indica al aceptar un apodo "
	  "([idle-timeout=SEGUNDOS])." },
	{ "udp-cap", UDPD,
	  "A longer datagram is answered with \"*** Error: message too long "
	  "(more than 1024 bytes), discarded\" and dropped whole;",
	  "Un datagrama más largo recibe \"*** Error: mensaje demasiado largo "
	  "(más de 1024 bytes), descartado\" y se descarta entero;" },
	{ "udp-control", UDPD,
	  "Control characters other than tab are never relayed.",
	  "Los caracteres de control distintos del tabulador nunca se "
	  "reenvían." },
	{ "tp42-nick", TP42,
	  "The client first sends its name, alone, without a newline.",
	  "El cliente primero envía su nombre, solo, sin salto de línea." },
	{ "tp42-chat", TP42,
	  "Every message is sent to every other client with the sender's name "
	  "in front, on the same line: the statement fixes that much; its code "
	  "writes NAME: MESSAGE, and [NAME] MESSAGE does as well.",
	  "Cada mensaje se envía a todos los demás clientes con el nombre del "
	  "remitente delante, en la misma línea: el enunciado fija eso; su "
	  "código escribe NOMBRE: MENSAJE, y [NOMBRE] MENSAJE vale igual." },
	{ "tp42-join", TP42,
	  "The others are told when someone joins and when someone leaves.",
	  "A los demás se les avisa cuando alguien entra y cuando alguien "
	  "sale." },
	{ "tp42-list", TP42,
	  "/listar answers the sender with the names of the connected users.",
	  "/listar responde al remitente con los nombres de los usuarios "
	  "conectados." },
	{ "tp42-quit", TP42,
	  "/quitar ends the session: the server closes the connection.",
	  "/quitar termina la sesión: el servidor cierra la conexión." },
	{ "tp42-many", TP42,
	  "Several clients chat at once, each in its own thread on the server.",
	  "Varios clientes charlan a la vez, cada uno en su propio hilo del "
	  "servidor." },
	{ "tp42-udp", TP42,
	  "Over UDP the first datagram from an address is its name, and "
	  "/quitar forgets the address.",
	  "Por UDP el primer datagrama de una dirección es su nombre, y "
	  "/quitar olvida la dirección." },
};

const struct check_rule *
check_rule(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rules[i].key, key) == 0)
			return &rules[i];
	return NULL;
}
