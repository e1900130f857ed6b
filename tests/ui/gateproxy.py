"""gateproxy.py TARGET_PORT GATE_FILE LIFETIME [MARK_FILE]: a TCP proxy on
127.0.0.1 that forwards to 127.0.0.1:TARGET_PORT and holds back what the
server sends while GATE_FILE exists. Makes MARK_FILE (if given) when a
client connects. Prints its port, then serves until LIFETIME seconds have
passed (it stops by itself)."""
import asyncio
import os
import sys


async def pipe(reader, writer, gate):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            while gate and os.path.exists(gate):
                await asyncio.sleep(0.05)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def main():
    target, gate, lifetime = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    mark = sys.argv[4] if len(sys.argv) > 4 else None

    async def handle(creader, cwriter):
        if mark:
            open(mark, "a").close()
        try:
            sreader, swriter = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            cwriter.close()
            return
        await asyncio.gather(pipe(creader, swriter, None),
                             pipe(sreader, cwriter, gate))

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.sleep(lifetime)


asyncio.run(main())
