/*
 * catalog.c — the lines the room sends, in English and Spanish (the choice
 * of language is lang.c's). Notices start with "*** " (DESIGN.md); chat lines
 * ("NICK: TEXT") are not translated and are built by the room.
 */
#include "catalog.h"

/* [id] = { English, Spanish } */
static const char *const texts[CAT_COUNT][2] = {
	[CAT_WELCOME] = {
		"*** Welcome to redchat! Type your nickname to join. Commands: "
		"/list /msg /me /nick /ping /help /quit (or 'salir' to leave).\n",
		"*** ¡Bienvenido a redchat! Escribe tu apodo para entrar. "
		"Comandos: /listar /privado /me /nick /ping /ayuda /salir "
		"(o 'salir' para salir).\n" },
	[CAT_NICK_ACCEPTED] = {
		"*** Hello %s, you are in the chat (%zu online). "
		"Type /help for the commands.",
		"*** Hola %s, ya estás en el chat (%zu en línea). "
		"Escribe /ayuda para ver los comandos." },
	[CAT_IDLE_TIMEOUT] = {
		" [idle-timeout=%u]", " [idle-timeout=%u]" },
	[CAT_NICK_EMPTY] = {
		"*** Error: the nickname is empty. Type a nickname.\n",
		"*** Error: el apodo está vacío. Escribe un apodo.\n" },
	[CAT_NICK_TOO_LONG] = {
		"*** Error: nickname too long (at most %d bytes). Try another.\n",
		"*** Error: apodo demasiado largo (máximo %d bytes). "
		"Prueba otro.\n" },
	[CAT_NICK_BAD_UTF8] = {
		"*** Error: the nickname is not valid UTF-8. Try another.\n",
		"*** Error: el apodo no es UTF-8 válido. Prueba otro.\n" },
	[CAT_NICK_SPACE] = {
		"*** Error: a nickname cannot contain spaces. Try another.\n",
		"*** Error: un apodo no puede tener espacios. Prueba otro.\n" },
	[CAT_NICK_CONTROL] = {
		"*** Error: the nickname has control or invisible characters. "
		"Try another.\n",
		"*** Error: el apodo tiene caracteres de control o invisibles. "
		"Prueba otro.\n" },
	[CAT_NICK_SLASH] = {
		"*** Error: a nickname cannot start with '/'. Type your nickname "
		"first.\n",
		"*** Error: un apodo no puede empezar por '/'. Escribe primero tu "
		"apodo.\n" },
	[CAT_NICK_RESERVED] = {
		"*** Error: the nickname %s is reserved. Try another.\n",
		"*** Error: el apodo %s está reservado. Prueba otro.\n" },
	[CAT_NICK_TAKEN] = {
		"*** Error: the nickname %s is taken. Try another.\n",
		"*** Error: el apodo %s ya está en uso. Prueba otro.\n" },
	[CAT_NICK_SAME] = {
		"*** You are already called %s.\n",
		"*** Ya te llamas %s.\n" },
	[CAT_NEED_NICK] = {
		"*** Type your nickname first.\n",
		"*** Primero escribe tu apodo.\n" },
	[CAT_JOINED] = {
		"*** %s has joined the chat\n",
		"*** %s se ha unido al chat\n" },
	[CAT_LEFT] = {
		"*** %s has left the chat\n",
		"*** %s ha salido del chat\n" },
	[CAT_LEFT_TIMEOUT] = {
		"*** %s has left the chat (silent for too long)\n",
		"*** %s ha salido del chat (demasiado tiempo sin actividad)\n" },
	[CAT_LEFT_KICKED] = {
		"*** %s was removed by the server\n",
		"*** %s fue expulsado por el servidor\n" },
	[CAT_LEFT_DROPPED] = {
		"*** %s was disconnected (not reading its messages)\n",
		"*** %s fue desconectado (no leía sus mensajes)\n" },
	[CAT_NICK_CHANGED] = {
		"*** %s is now called %s\n",
		"*** %s ahora se llama %s\n" },
	[CAT_LIST] = {
		"*** Users (%zu): %s",
		"*** Usuarios (%zu): %s" },
	[CAT_LIST_MORE] = {
		" and %zu more", " y %zu más" },
	[CAT_PRIVATE_FROM] = {
		"%s (private): %s\n",
		"%s (privado): %s\n" },
	[CAT_PRIVATE_TO] = {
		"*** (private to %s) %s\n",
		"*** (privado para %s) %s\n" },
	[CAT_NO_SUCH_NICK] = {
		"*** Error: there is no user called %s\n",
		"*** Error: no hay ningún usuario llamado %s\n" },
	[CAT_USAGE_NICK] = {
		"*** Usage: /nick NEW_NICKNAME\n",
		"*** Uso: /nick NUEVO_APODO\n" },
	[CAT_USAGE_MSG] = {
		"*** Usage: /msg NICK TEXT\n",
		"*** Uso: /privado APODO TEXTO\n" },
	[CAT_USAGE_ME] = {
		"*** Usage: /me TEXT\n",
		"*** Uso: /me TEXTO\n" },
	[CAT_PONG] = {
		"*** pong", "*** pong" },
	[CAT_BYE] = {
		"*** Goodbye, %s!\n",
		"*** ¡Adiós, %s!\n" },
	[CAT_UNKNOWN_COMMAND] = {
		"*** Error: unknown command %s (type /help)\n",
		"*** Error: comando desconocido %s (escribe /ayuda)\n" },
	[CAT_TOO_LONG] = {
		"*** Error: message too long (more than %d bytes), discarded\n",
		"*** Error: mensaje demasiado largo (más de %d bytes), "
		"descartado\n" },
	[CAT_FULL] = {
		"*** Error: the chat is full (%u users). Try again later.\n",
		"*** Error: el chat está lleno (%u usuarios). Inténtalo más "
		"tarde.\n" },
	[CAT_KICKED] = {
		"*** You have been removed from the chat by the server.\n",
		"*** El servidor te ha expulsado del chat.\n" },
	[CAT_OVERFLOW] = {
		"*** Disconnected: more than %zu KiB of messages were waiting "
		"for you (you were not reading them).\n",
		"*** Desconectado: más de %zu KiB de mensajes esperaban a que "
		"los leyeras (no los estabas leyendo).\n" },
	[CAT_OVERFLOW_SLOW] = {
		"*** Disconnected: %zu KiB of messages waited %u seconds "
		"and you read none of them (you were not reading).\n",
		"*** Desconectado: %zu KiB de mensajes esperaron %u "
		"segundos y no leíste ninguno (no estabas leyendo).\n" },
	[CAT_SERVER_SAYS] = {
		"*** [server] %s\n",
		"*** [servidor] %s\n" },
	[CAT_SERVER_CLOSING] = {
		"*** The server is closing. Goodbye!\n",
		"*** El servidor se está cerrando. ¡Adiós!\n" },
	[CAT_HELP] = {
		"*** Commands (English or Spanish names):\n"
		"***   /list, /listar                who is in the chat\n"
		"***   /msg, /privado NICK TEXT      private message\n"
		"***   /me TEXT                      an action: * ana waves\n"
		"***   /nick NEW                     change your nickname\n"
		"***   /ping                         the server answers pong\n"
		"***   /say, /decir TEXT             chat, even one word (UDP)\n"
		"***   /help, /ayuda                 this list\n"
		"***   /quit, /quitar, /salir, salir leave the chat\n"
		"***   //text                        send text that starts "
		"with '/'\n",
		"*** Comandos (en español o en inglés):\n"
		"***   /listar, /list                quién está en el chat\n"
		"***   /privado, /msg APODO TEXTO    mensaje privado\n"
		"***   /me TEXTO                     una acción: * ana saluda\n"
		"***   /nick NUEVO                   cambiar de apodo\n"
		"***   /ping                         el servidor responde pong\n"
		"***   /decir, /say TEXTO            chat, aunque sea una "
		"palabra (UDP)\n"
		"***   /ayuda, /help                 esta lista\n"
		"***   /salir, /quitar, /quit, salir salir del chat\n"
		"***   //texto                       enviar un texto que empieza "
		"por '/'\n" },
	[CAT_RATE_LIMIT] = {
		"*** Slow down: more than %u messages a second; "
		"the extra ones are dropped.\n",
		"*** Más despacio: más de %u mensajes por segundo; "
		"los que sobran se descartan.\n" },
	[CAT_RATE_SLOWED] = {
		"*** Slow down: more than %u messages a second; the server "
		"reads you more slowly (nothing is lost while you stay "
		"connected).\n",
		"*** Más despacio: más de %u mensajes por segundo; el servidor "
		"te lee más despacio (no se pierde nada mientras sigas "
		"conectado).\n" },
	[CAT_NAMELESS_EVICTED] = {
		"*** Disconnected: the chat is full and you had not chosen a "
		"nickname; your place went to a newcomer.\n",
		"*** Desconectado: el chat está lleno y no habías elegido "
		"apodo; tu lugar fue para alguien que acaba de llegar.\n" },
	[CAT_NICK_TIMEOUT] = {
		"*** Disconnected: no nickname chosen in %u seconds.\n",
		"*** Desconectado: no elegiste apodo en %u segundos.\n" },
	/* UDP: a datagram from an address the server does not know that is
	 * not a nickname (DESIGN.md, "UDP sessions"). Clients match the text
	 * up to the "%s" and re-send what follows it. */
	[CAT_WHO_ARE_YOU] = {
		"*** Who are you? This server does not know your address (it is "
		"new, or the server restarted): send your nickname first, alone "
		"or as /nick NAME. Not delivered: %s\n",
		"*** ¿Quién eres? Este servidor no conoce tu dirección (es nueva, "
		"o el servidor se reinició): envía primero tu apodo, solo o como "
		"/nick APODO. No entregado: %s\n" },
	[CAT_LEFT_UNREACHABLE] = {
		"*** %s has left the chat (its port is closed: ICMP port "
		"unreachable)\n",
		"*** %s ha salido del chat (su puerto está cerrado: ICMP puerto "
		"inalcanzable)\n" },
	[CAT_NICK_NEWLINE] = {
		"*** Error: this datagram holds a line break. Over UDP each "
		"datagram is one message: send the nickname alone.\n",
		"*** Error: este datagrama contiene un salto de línea. En UDP cada "
		"datagrama es un mensaje: envía el apodo solo.\n" },
	[CAT_NICK_PREFIXED] = {
		"*** Error: send your nickname alone first (%s). Your client puts "
		"'NAME: ' in front of each message and waits for the server to "
		"ask for the nickname: this server does not ask.\n",
		"*** Error: envía primero tu apodo, solo (%s). Tu cliente pone "
		"'NOMBRE: ' delante de cada mensaje y espera a que el servidor le "
		"pida el apodo: este servidor no lo pide.\n" },
	[CAT_NICK_PREFIXED_BYE] = {
		"*** Disconnected: three messages in a row came as 'NAME: text' "
		"and none was a nickname. See 'man tcpchatd' (PROTOCOL).\n",
		"*** Desconectado: tres mensajes seguidos llegaron como 'NOMBRE: "
		"texto' y ninguno era un apodo. Mira 'man tcpchatd' (PROTOCOL).\n" },
	[CAT_GOODBYE] = {
		"*** Goodbye!\n",
		"*** ¡Adiós!\n" },
};

const char *
catalog_text(enum cat_id id)
{
	if ((unsigned)id >= CAT_COUNT)
		return "";
	return texts[id][lang_current() == LANG_ES ? 1 : 0];
}
