class ChatChannel < ApplicationCable::Channel
  def subscribed
    stream_from "chat_#{params[:room]}"
  end

  def speak(data)
    ActionCable.server.broadcast("chat_#{params[:room]}", { message: data["message"], at: Time.now })
  end

  def unsubscribed
    stop_all_streams
  end
end
