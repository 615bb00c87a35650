# The UDP chat server of seed 003 ("Versión UDP (simplificada)"), as the lab
# statement gives it; only the port comes from the command line, and the
# listening line is printed so a benchmark knows when it is ready.
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', int(sys.argv[1]) if len(sys.argv) > 1 else 5001))
print(f"Servidor UDP escuchando en 0.0.0.0:{s.getsockname()[1]}", flush=True)
clientes = {}
while True:
    data, addr = s.recvfrom(1024)
    msg = data.decode()
    if addr not in clientes:
        clientes[addr] = msg
        print(f"{msg} conectado.")
        continue
    if msg == '/quitar':
        print(f"{clientes[addr]} desconectado.")
        clientes.pop(addr)
        continue
    for c in clientes:
        if c != addr:
            s.sendto(f"{clientes[addr]}: {msg}".encode(), c)
