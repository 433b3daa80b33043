package dns

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// ttl is short: Services and pods come and go within a test.
const ttl = 5

// Server answers on UDP and TCP port 53 of one address.
type Server struct {
	Address   string   // host:port to listen on
	Records   Records  // cluster names
	Upstreams []string // host:port resolvers for every other name
	Log       *slog.Logger
}

// Serve runs until ctx ends.
func (s *Server) Serve(ctx context.Context) error {
	packetConn, err := net.ListenPacket("udp", s.Address)
	if err != nil {
		return fmt.Errorf("cluster DNS: listen udp %s: %w", s.Address, err)
	}
	listener, err := net.Listen("tcp", s.Address)
	if err != nil {
		packetConn.Close()
		return fmt.Errorf("cluster DNS: listen tcp %s: %w", s.Address, err)
	}
	go func() {
		<-ctx.Done()
		packetConn.Close()
		listener.Close()
	}()
	go s.serveTCP(listener)
	buf := make([]byte, 65535)
	for {
		n, peer, err := packetConn.ReadFrom(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("cluster DNS: read udp: %w", err)
		}
		query := append([]byte(nil), buf[:n]...)
		go func() {
			if reply := s.answer(query, "udp"); reply != nil {
				_, _ = packetConn.WriteTo(reply, peer)
			}
		}()
	}
}

func (s *Server) serveTCP(listener net.Listener) {
	for {
		conn, err := listener.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			for {
				var length uint16
				if err := binary.Read(conn, binary.BigEndian, &length); err != nil {
					return
				}
				query := make([]byte, length)
				if _, err := io.ReadFull(conn, query); err != nil {
					return
				}
				reply := s.answer(query, "tcp")
				if reply == nil {
					return
				}
				if err := binary.Write(conn, binary.BigEndian, uint16(len(reply))); err != nil {
					return
				}
				if _, err := conn.Write(reply); err != nil {
					return
				}
			}
		}()
	}
}

// answer replies to cluster names itself and forwards the rest; nil means the query was unreadable.
func (s *Server) answer(query []byte, network string) []byte {
	var parser dnsmessage.Parser
	header, err := parser.Start(query)
	if err != nil {
		return nil
	}
	question, err := parser.Question()
	if err != nil {
		return nil
	}
	ips, inCluster := s.Records.Lookup(question.Name.String())
	if !inCluster {
		if reply, err := s.forward(query, network); err == nil {
			return reply
		} else {
			s.Log.Debug("forward failed", "name", question.Name.String(), "err", err)
		}
		return s.reply(header, question, dnsmessage.RCodeServerFailure, nil)
	}
	if len(ips) == 0 {
		return s.reply(header, question, dnsmessage.RCodeNameError, nil)
	}
	if question.Type != dnsmessage.TypeA {
		return s.reply(header, question, dnsmessage.RCodeSuccess, nil) // the name exists, with IPv4 only
	}
	return s.reply(header, question, dnsmessage.RCodeSuccess, ips)
}

func (s *Server) reply(query dnsmessage.Header, question dnsmessage.Question, rcode dnsmessage.RCode, ips []net.IP) []byte {
	builder := dnsmessage.NewBuilder(nil, dnsmessage.Header{
		ID: query.ID, Response: true, Authoritative: true, RecursionDesired: query.RecursionDesired,
		RecursionAvailable: true, RCode: rcode,
	})
	builder.EnableCompression()
	_ = builder.StartQuestions()
	_ = builder.Question(question)
	_ = builder.StartAnswers()
	for _, ip := range ips {
		var a dnsmessage.AResource
		copy(a.A[:], ip.To4())
		_ = builder.AResource(dnsmessage.ResourceHeader{Name: question.Name, Class: dnsmessage.ClassINET, TTL: ttl}, a)
	}
	message, err := builder.Finish()
	if err != nil {
		return nil
	}
	return message
}

// forward relays the raw query to the first upstream that answers.
func (s *Server) forward(query []byte, network string) ([]byte, error) {
	err := errors.New("no upstream resolver configured")
	for _, upstream := range s.Upstreams {
		var reply []byte
		if reply, err = exchange(network, upstream, query); err == nil {
			return reply, nil
		}
	}
	return nil, err
}

func exchange(network, upstream string, query []byte) ([]byte, error) {
	conn, err := net.DialTimeout(network, upstream, 2*time.Second)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
	if network == "tcp" {
		if err := binary.Write(conn, binary.BigEndian, uint16(len(query))); err != nil {
			return nil, err
		}
		if _, err := conn.Write(query); err != nil {
			return nil, err
		}
		var length uint16
		if err := binary.Read(conn, binary.BigEndian, &length); err != nil {
			return nil, err
		}
		reply := make([]byte, length)
		_, err := io.ReadFull(conn, reply)
		return reply, err
	}
	if _, err := conn.Write(query); err != nil {
		return nil, err
	}
	reply := make([]byte, 65535)
	n, err := conn.Read(reply)
	return reply[:n], err
}
